"""The aggregator's consumer against the real broker and database: repeated events, corrections,
late old versions and poison messages, published straight onto the topic."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from sanjin_shared.events.activities import (
    ActivityCancelled,
    ActivityReportCorrected,
    ActivityReported,
)
from sanjin_shared.topics import ACTIVITIES
from tests.conftest import World, auth
from tests.support.factories import activity_state, envelope
from tests.support.kafka import publish, read_all
from tests.support.polling import eventually
from tests.support.services import ServiceProcess


async def totals(http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str) -> Any:
    r = await http.get(f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq"))
    r.raise_for_status()
    return r.json()["totals"]


def message(env: Any) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    return env.aggregate_id.encode(), env.to_json(), env.kafka_headers()


async def test_the_same_event_twice_counts_once_and_a_correction_replaces_it(
    http: httpx.AsyncClient, world: World, aggregator: ServiceProcess, campaign: str
) -> None:
    topic = world.topic_prefix + ACTIVITIES.name
    state = activity_state(campaign, participants=50)
    reported = envelope(ActivityReported(activity=state), version=2)
    await publish(world.infra.kafka_bootstrap, topic, [message(reported), message(reported)])
    first = await eventually(
        lambda: totals(http, aggregator, campaign),
        until=lambda t: t["participants"] > 0,
        what="the reported activity",
    )
    assert first["education_activities"] == 1
    assert first["participants"] == 50

    # A correction (version 3), then version 2 arriving late again: the correction stands.
    corrected_state = activity_state(campaign, activity_id=state.id, participants=70)
    corrected = envelope(ActivityReportCorrected(activity=corrected_state), version=3)
    await publish(world.infra.kafka_bootstrap, topic, [message(corrected), message(reported)])
    marker_state = activity_state(campaign, participants=1, venue_name="标记社区")
    marker = envelope(ActivityReported(activity=marker_state), version=2)
    await publish(world.infra.kafka_bootstrap, topic, [message(marker)])
    after = await eventually(
        lambda: totals(http, aggregator, campaign),
        until=lambda t: t["education_activities"] == 2,
        what="the marker after the correction",
    )
    assert after["participants"] == 70 + 1
    assert after["venues_covered"] == 2

    cancelled_state = activity_state(campaign, activity_id=state.id, status="cancelled")
    cancelled = envelope(ActivityCancelled(activity=cancelled_state, reason="x"), version=4)
    await publish(world.infra.kafka_bootstrap, topic, [message(cancelled), message(cancelled)])
    final = await eventually(
        lambda: totals(http, aggregator, campaign),
        until=lambda t: t["education_activities"] == 1,
        what="the cancellation",
    )
    assert final["participants"] == 1
    assert final["venues_covered"] == 1


async def test_a_malformed_message_goes_to_the_dead_letter_topic_and_the_consumer_goes_on(
    http: httpx.AsyncClient, world: World, aggregator: ServiceProcess, campaign: str
) -> None:
    topic = world.topic_prefix + ACTIVITIES.name
    marker = uuid.uuid4().hex
    good = envelope(ActivityReported(activity=activity_state(campaign, participants=9)), version=2)
    unknown = good.model_copy(update={"type": "ActivityTeleported", "id": uuid.uuid4()})
    invalid_payload = good.model_copy(
        update={"id": uuid.uuid4(), "payload": {"activity": {"id": marker}}}
    )
    poison = [
        (b"k", f"not json at all {marker}".encode(), [("marker", marker.encode())]),
        (b"k", unknown.to_json(), [("marker", marker.encode())]),
        (b"k", invalid_payload.to_json(), [("marker", marker.encode())]),
    ]
    await publish(world.infra.kafka_bootstrap, topic, [*poison, message(good)])

    after = await eventually(
        lambda: totals(http, aggregator, campaign),
        until=lambda t: t["education_activities"] == 1,
        what="the good event after the poison",
    )
    assert after["participants"] == 9

    async def dead_letters() -> list[Any]:
        found = await read_all(world.infra.kafka_bootstrap, topic + ".dlq")
        return [m for m in found if dict(m.headers or ()).get("marker") == marker.encode()]

    letters = await eventually(dead_letters, until=lambda ms: len(ms) == 3, what="3 dead letters")
    for letter in letters:
        headers = dict(letter.headers)
        assert headers["dlq_source_topic"] == topic.encode()
        assert headers["dlq_error"]
        assert int(headers["dlq_source_offset"]) >= 0
    assert {letter.value for letter in letters} == {p[1] for p in poison}
    assert aggregator.running()
