"""An upgrade, on the real Kafka and MongoDB: the topics hold monitoring-point events of version
1 (written before the upgrade) and version 2 (after), campaign definitions and activities; the
aggregator's database holds a generation the previous version built (register documents of
the old shape, cells that still count the points). `sanjin replay` after the upgrade gives
exactly the read models of a fresh build from the same topics, for every campaign."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, time
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.generations import GenerationPointer
from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.main import CONSUMED_TOPICS
from sanjin_aggregator.service.register import points_in_campaign
from sanjin_aggregator.service.replay import replay
from sanjin_aggregator.service.statistics import daily_series, statistics
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_events.domain.activity import Activity, ActivityDetails, Report
from sanjin_risk_monitoring.domain.point import Evaluation, MonitoringPoint
from sanjin_shared.clock import BEIJING
from sanjin_shared.declarations.monitoring import PointDetails
from sanjin_shared.events.catalogue import CATALOGUE
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.reference import ActivityKind, VenueType
from sanjin_shared.topics import physical
from tests.conftest import World
from tests.support.campaigns import campaign_envelope
from tests.support.factories import envelope

CAMPAIGNS = {
    "2024": (date(2024, 9, 1), date(2024, 11, 30)),
    "2025": (date(2025, 9, 1), date(2025, 11, 30)),
}


def as_version_1(env: EventEnvelope) -> EventEnvelope:
    """The event as the risk service wrote it before the upgrade (schema version 1)."""
    point = dict(env.payload["point"])
    evaluations = point.pop("evaluations")
    point.pop("active")
    latest = (
        max(enumerate(evaluations), key=lambda e: (e[1]["evaluated_on"], e[0]))[1]
        if evaluations
        else None
    )
    point |= {"evaluations": len(evaluations), "latest_evaluation": latest}
    return env.model_copy(update={"version": 1, "payload": {"point": point}})


def at(record: Any, day: date) -> EventEnvelope:
    """The record's event, written on `day` (noon, Beijing)."""
    return EventEnvelope.wrap(
        record.events[0],
        producer="tests",
        aggregate_version=record.version,
        correlation_id="upgrade",
        time=datetime.combine(day, time(12), BEIJING),
    )


def history() -> list[EventEnvelope]:
    events = [campaign_envelope(c, *w) for c, w in CAMPAIGNS.items()]
    for i, province in enumerate(("110000", "540000", "110000")):
        p = MonitoringPoint.register(
            today=date(2024, 9, 5),
            id=f"mp_up_{i}_{uuid.uuid4().hex[:6]}",
            province=province,
            external_id=None,
            details=PointDetails(
                campaign="2024",
                name=f"点{i}",
                venue_type=VenueType.community,
                city="市",
                county="区",
                address="址",
                host_organization="单位",
                contact_name="联系人",
                contact_phone="13800000000",
                established_on=date(2024, 9, 1 + i),
            ),
        )
        events.append(as_version_1(at(p, date(2024, 9, 2))))
        p = p.evaluate(
            Evaluation(evaluated_on=date(2024, 10, 1), score=60 + i, evaluator="组"),
            today=date(2024, 10, 1),
        )
        events.append(as_version_1(at(p, date(2024, 10, 1))))
        if i == 1:  # deactivated before 2025: not in use then
            p = p.deactivate("撤并", today=date(2024, 12, 15))
            events.append(as_version_1(at(p, date(2024, 12, 15))))
            continue
        # after the upgrade: version 2
        p = p.evaluate(
            Evaluation(evaluated_on=date(2025, 9, 20), score=80 + i, evaluator="组"),
            today=date(2025, 9, 20),
        )
        events.append(at(p, date(2025, 9, 20)))
    for i, (campaign, day) in enumerate((("2024", date(2024, 9, 9)), ("2025", date(2025, 10, 9)))):
        a = Activity.schedule(
            id=f"act_up_{i}_{uuid.uuid4().hex[:6]}",
            province="110000",
            details=ActivityDetails(
                campaign=campaign,
                kind=ActivityKind.education,
                title="进社区",
                venue_type=VenueType.community,
                venue_name="社区",
                city="市",
                county="区",
                scheduled_on=day,
                organizer="局",
            ),
        )
        events.append(envelope(a.events[0], a.version))
        a = a.submit_report(
            Report(
                held_on=day,
                participants=100 + i,
                materials_distributed=0,
                consultations=0,
                comparison_items_displayed=0,
                video_showings=0,
                media_reports=0,
            ),
            today=date(2030, 1, 1),
        )
        events.append(envelope(a.events[0], a.version))
    return events


async def views(db: Any) -> dict[str, Any]:
    generation = await GenerationPointer(db).active(default_group="unused")
    store = StatisticsStore(db, prefix=generation.prefix)
    out: dict[str, Any] = {}
    for campaign in CAMPAIGNS:
        table = await statistics(store, campaign)
        window = await store.windows.get(campaign)
        out[campaign] = (
            table.totals,
            [(r.province, r.metrics, r.by_venue_type) for r in table.provinces],
            [(d.day, d.metrics) for d in await daily_series(store, campaign)],
            sorted(
                (p.point.model_dump_json(), p.listed, len(p.evaluations))
                for p in await points_in_campaign(store.register, window)
            ),
        )
    return out


async def test_a_replay_after_the_upgrade_equals_a_fresh_build(world: World) -> None:
    prefix = f"up{uuid.uuid4().hex[:8]}."
    bootstrap = world.infra.kafka_bootstrap
    await provision_topics(bootstrap, prefix=prefix)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    events = history()
    try:
        for env in events:
            topic = physical(CATALOGUE[env.type].topic, prefix)
            await producer.send_and_wait(topic, env.to_json(), key=env.aggregate_id.encode())
    finally:
        await producer.stop()

    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    upgraded, fresh = f"{world.name}_up_{prefix[2:10]}", f"{world.name}_fresh_{prefix[2:10]}"
    try:
        # what the previous version left in the live generation: the old register's shape
        old = client[upgraded]
        await old["register_points"].insert_one(
            {
                "_id": "mp_legacy",
                "version": 3,
                **as_version_1(
                    envelope(
                        MonitoringPoint.register(
                            today=date(2019, 9, 1),
                            id="mp_legacy",
                            province="650000",
                            external_id=None,
                            details=PointDetails(
                                campaign="2019",
                                name="旧点",
                                venue_type=VenueType.campus,
                                city="市",
                                county="区",
                                address="址",
                                host_organization="单位",
                                contact_name="联系人",
                                contact_phone="13800000000",
                                established_on=date(2019, 9, 1),
                            ),
                        ).events[0],
                        1,
                    )
                ).payload["point"],
            }
        )
        await old["stats_cells"].insert_one(
            {
                "_id": "2019|650000|campus",
                "campaign": "2019",
                "province": "650000",
                "venue_type": "campus",
                "c": {"monitoring_points_established": 1, "monitoring_points_active": 1},
            }
        )
        # the new code reads the old shape, and counts the point once (not from the cells too)
        before = (await statistics(StatisticsStore(old), "2019")).totals
        assert before["monitoring_points_active"] == before["monitoring_points_established"] == 1

        def settings(database: str) -> AggregatorSettings:
            return AggregatorSettings(
                mongodb_uri=world.infra.mongodb_uri,
                mongodb_database=database,
                kafka_bootstrap=bootstrap,
                topic_prefix=prefix,
                generation_check_interval_s=0.1,
            )

        out = io.StringIO()
        result = await replay(settings(upgraded), CONSUMED_TOPICS, out=out, drop_previous=True)
        assert result.events == len(events)
        await replay(settings(fresh), CONSUMED_TOPICS, out=io.StringIO())
        after, built = await views(client[upgraded]), await views(client[fresh])
        assert after == built
        # and they are what the history says: in 2025 the point deactivated in 2024 is out,
        # the two others are in use and evaluated; the old register's shape is gone
        totals_2025 = after["2025"][0]
        assert totals_2025["monitoring_points_active"] == 2
        assert totals_2025["monitoring_points_evaluated"] == 2
        assert totals_2025["monitoring_points_established"] == 0
        assert after["2024"][0]["monitoring_points_established"] == 3
        assert after["2024"][0]["participants"] == 100
        assert "register_points" not in await client[upgraded].list_collection_names()
    finally:
        await client.drop_database(upgraded)
        await client.drop_database(fresh)
        await client.close()
