"""Campaigns are events: a definition and each change go through the aggregator's outbox to
`sanjin.campaigns` in the transaction that writes them, at the campaign's next version; the
campaigns defined before campaigns were events are announced once at start-up."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime

import pytest
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.campaigns import CampaignRepository
from sanjin_aggregator.service.campaigns import CampaignService
from sanjin_shared.audit import Actor
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import BEIJING
from sanjin_shared.context import RequestContext
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.outbox import OUTBOX
from sanjin_shared.topics import CAMPAIGNS
from tests.conftest import World

ADMIN = RequestContext(Principal(sub="admin-1", role=Role.admin), "t")
DEADLINE = datetime(2025, 12, 10, 17, 0, tzinfo=BEIJING)


@pytest.fixture
async def client_db(world: World) -> AsyncIterator[tuple[AsyncMongoClient, str]]:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    name = f"{world.name}_campev_{uuid.uuid4().hex[:8]}"
    yield client, name
    await client.drop_database(name)
    await client.close()


async def _published(client: AsyncMongoClient, name: str) -> list[EventEnvelope]:
    docs = await client[name][OUTBOX].find({"topic": CAMPAIGNS.name}).sort("created_at").to_list()
    return [EventEnvelope.from_json(d["value"]) for d in docs]


async def test_defining_and_changing_a_campaign_publish_its_events(
    client_db: tuple[AsyncMongoClient, str],
) -> None:
    client, name = client_db
    service = CampaignService(UnitOfWork(client, client[name], actor=Actor.system("tests")))
    await CampaignRepository(client[name]).seed_defaults()
    _, created = await service.define(ADMIN, "2025", date(2025, 9, 1), date(2025, 11, 30), DEADLINE)
    assert created
    _, created = await service.define(ADMIN, "2025", date(2025, 8, 1), date(2025, 11, 30), DEADLINE)
    assert not created
    _, created = await service.define(ADMIN, "2019", date(2019, 9, 1), date(2019, 12, 15), DEADLINE)
    assert not created  # seeded, known everywhere without an event: a change
    events = await _published(client, name)
    assert [(e.type, e.aggregate_id, e.aggregate_version) for e in events] == [
        ("CampaignDefined", "2025", 1),
        ("CampaignChanged", "2025", 2),
        ("CampaignChanged", "2019", 1),
    ]
    assert events[1].payload["campaign"]["starts_on"] == "2025-08-01"
    assert await service.announce_earlier() == []


async def test_campaigns_defined_before_the_upgrade_are_announced_once(
    client_db: tuple[AsyncMongoClient, str],
) -> None:
    client, name = client_db
    await client[name]["campaigns"].insert_one(
        {
            "_id": "2020",
            "starts_on": "2020-09-01",
            "ends_on": "2020-11-30",
            "report_deadline": DEADLINE,
        }
    )
    uow = UnitOfWork(client, client[name], actor=Actor.system("tests"))
    assert await CampaignService(uow).announce_earlier() == ["2020"]
    assert await CampaignService(uow).announce_earlier() == []  # another start: said once
    events = await _published(client, name)
    assert [(e.type, e.aggregate_id, e.aggregate_version) for e in events] == [
        ("CampaignDefined", "2020", 1)
    ]
    _, created = await CampaignService(uow).define(
        ADMIN, "2020", date(2020, 9, 1), date(2020, 12, 31), DEADLINE
    )
    assert not created
    assert (await _published(client, name))[-1].aggregate_version == 2
