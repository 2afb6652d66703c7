"""Property, against the real MongoDB: any sequence of schedule / report / re-report / cancel
over many activities, delivered to the aggregator's consumer in order per activity, with
duplicates (republished at new offsets), in batches of any size, and then replayed from the
beginning into fresh collections, gives exactly the statistics computed directly from the final
state of the records.

The consumer runner and projector are the real ones (transactions, processed ids, offsets); only
the Kafka fetch is replaced by records built here, so each example runs in well under a second.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import AsyncMongoClient

from sanjin_aggregator.domain.contributions import venue_key
from sanjin_aggregator.service.statistics import daily_series, statistics
from sanjin_events.domain.activity import Activity
from sanjin_shared.clock import beijing_date
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.reference import ActivityKind
from tests.conftest import World
from tests.support.factories import envelope
from tests.support.feed import FakeFeed, consume
from tests.support.histories import histories, plan

TOPIC = "sanjin.activities"


def build(
    plans: list[Any],
) -> tuple[list[list[EventEnvelope]], list[Activity], list[list[Activity]]]:
    streams, finals, states_of = [], [], []
    for states in histories(plans):
        streams.append([envelope(a.events[0], a.version) for a in states])
        finals.append(states[-1])
        states_of.append(states)
    return streams, finals, states_of


def direct(finals: list[Activity]) -> dict[str, dict[str, int]]:
    """Per province, from the records alone."""
    out: dict[str, dict[str, int]] = {}
    venues: dict[str, set[str]] = {}
    for a in finals:
        if a.status.value != "completed" or a.report is None:
            continue
        row = out.setdefault(a.province, {})
        r = a.report
        for metric, value in (
            ("education_activities", int(a.kind is ActivityKind.education)),
            ("seminars", int(a.kind is ActivityKind.seminar)),
            ("launch_ceremonies", int(a.kind is ActivityKind.launch_ceremony)),
            ("participants", r.participants),
            ("materials_distributed", r.materials_distributed),
            ("consultations", r.consultations),
            ("comparison_items_displayed", r.comparison_items_displayed),
            ("media_reports", r.media_reports),
            ("seminar_recommendations", len(r.recommendations)),
        ):
            row[metric] = row.get(metric, 0) + value
        venues.setdefault(a.province, set()).add(
            venue_key(a.venue_type.value, a.city, a.county, a.venue_name)
        )
    for province, keys in venues.items():
        out[province]["venues_covered"] = len(keys)
    return {p: {k: v for k, v in row.items() if v} for p, row in out.items()}


KEYS = (
    "education_activities",
    "seminars",
    "launch_ceremonies",
    "participants",
    "materials_distributed",
    "consultations",
    "comparison_items_displayed",
    "media_reports",
    "seminar_recommendations",
    "venues_covered",
)


def national(per_province: dict[str, dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for row in per_province.values():
        total.update(row)
    return {k: v for k, v in total.items() if v}


def observed(table: Any) -> dict[str, dict[str, int]]:
    out = {}
    for row in table.provinces:
        values = {k: row.metrics[k] for k in KEYS if row.metrics[k]}
        if values:
            out[row.province] = values
    return out


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plans=st.lists(plan, min_size=1, max_size=8), data=st.data())
async def test_delivery_to_the_aggregator_gives_the_statistics_of_the_final_records(
    world: World, plans: list[Any], data: st.DataObject
) -> None:
    streams, finals, states_of = build(plans)
    # every event on a day, later versions on the same day or later ones
    day0 = datetime(2019, 9, 1, 4, tzinfo=UTC)  # noon in Beijing
    for stream in streams:
        day = 0
        for k, env in enumerate(stream):
            day += data.draw(st.integers(0, 2))
            stream[k] = env.model_copy(update={"time": day0 + timedelta(days=day)})
    feed = FakeFeed()
    pending = [list(s) for s in streams]
    while any(pending):
        i = data.draw(st.sampled_from([k for k, s in enumerate(pending) if s]))
        env = pending[i].pop(0)
        feed.append(env)
        if data.draw(st.integers(0, 3)) == 0:
            feed.append(env)  # the relay republished it
    cuts = data.draw(st.lists(st.integers(1, 7), min_size=1, max_size=4))

    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    db_name = f"{world.name}_prop_{uuid.uuid4().hex[:8]}"
    try:
        store, _ = await consume(client, db_name, "statistics", feed, cuts)
        expected = direct(finals)
        assert observed(await statistics(store, "2019")) == expected
        series = await daily_series(store, "2019")
        for figures in series:  # each day: the figures of the records as they stood that day
            as_then = []
            for states, stream in zip(states_of, streams, strict=True):
                upto = [i for i, e in enumerate(stream) if beijing_date(e.time) <= figures.day]
                if upto:
                    as_then.append(states[upto[-1]])
            shown = {k: v for k, v in figures.metrics.items() if k in KEYS and v}
            assert shown == national(direct(as_then)), figures.day
        if series:
            assert {k: v for k, v in series[-1].metrics.items() if k in KEYS and v} == national(
                expected
            )

        # the whole log again (a consumer restarted from scratch with the same read model)
        everything = [e for s in streams for e in s]
        await consume(client, db_name, "statistics", feed.published_again(everything), [5])
        assert observed(await statistics(store, "2019")) == expected

        # a replay from the beginning into fresh collections gives the identical view
        replayed, _ = await consume(client, db_name + "_replay", "statistics-replay", feed, [50])
        assert observed(await statistics(replayed, "2019")) == expected
        assert await daily_series(replayed, "2019") == series
    finally:
        await client.drop_database(db_name)
        await client.drop_database(db_name + "_replay")
        await client.close()
