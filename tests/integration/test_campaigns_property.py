"""Property, against the real MongoDB: three campaigns (2024, 2025, 2026), monitoring points
registered in 2024, evaluated in 2025 and 2026, some deactivated (and reactivated) in 2026,
and activities dated on either side of each window's edges, through the intake rule of
`sanjin_shared.campaigns` and the real domain, delivered to the aggregator's real consumer in
batches of any size with duplicates, then replayed into fresh collections.

The register and the statistics of each campaign equal an independent computation: day by day
from the plan itself, not from the domain's periods or the aggregator's rules.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import AsyncMongoClient

from sanjin_aggregator.service.register import points_in_campaign
from sanjin_aggregator.service.statistics import statistics
from sanjin_events.domain.activity import Activity, ActivityDetails, Report
from sanjin_risk_monitoring.domain.point import Evaluation, MonitoringPoint
from sanjin_shared.campaigns import CampaignBook, CampaignWindow, OutsideCampaign
from sanjin_shared.declarations.monitoring import PointDetails
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.reference import ActivityKind, VenueType
from tests.conftest import World
from tests.support.campaigns import campaign_envelope
from tests.support.factories import envelope
from tests.support.feed import FakeFeed, consume

CAMPAIGNS = {
    "2024": (date(2024, 9, 1), date(2024, 11, 30)),
    "2025": (date(2025, 9, 1), date(2025, 11, 30)),
    "2026": (date(2026, 9, 1), date(2026, 11, 30)),
}
PROVINCES = ["110000", "540000", "660000"]
FAR_FUTURE = date(2030, 1, 1)


def edges(year: str) -> list[date]:
    """The days on either side of a window's edges, and one inside."""
    start, end = CAMPAIGNS[year]
    one = timedelta(days=1)
    return [start - one, start, start + 30 * one, end, end + one]


# a point: province, established (around the 2024 window, or long before), its history
established = st.sampled_from([date(2023, 5, 1), *edges("2024")])
action = st.one_of(
    st.tuples(st.just("evaluate"), st.sampled_from(edges("2025") + edges("2026"))),
    st.tuples(st.just("deactivate"), st.sampled_from(edges("2026"))),
    st.tuples(st.just("reactivate"), st.sampled_from(edges("2026"))),
)
point_plan = st.tuples(
    st.sampled_from(PROVINCES), established, st.lists(action, max_size=5), st.integers(0, 100)
)
# an activity: its campaign, the day on either side of an edge, province, participants
activity_plan = st.tuples(
    st.sampled_from(list(CAMPAIGNS)),
    st.integers(0, 4),
    st.sampled_from(PROVINCES),
    st.integers(1, 500),
)


class History:
    """Runs the plans through the intake rule and the real domain, keeping the events."""

    def __init__(self) -> None:
        self.book = CampaignBook(CampaignWindow(c, *w) for c, w in CAMPAIGNS.items())
        self.events: list[EventEnvelope] = [campaign_envelope(c, *w) for c, w in CAMPAIGNS.items()]
        self.points: list[tuple[MonitoringPoint, list[tuple[str, date]]]] = []
        self.activities: list[Activity] = []

    def add_point(self, i: int, plan: Any) -> None:
        province, est, actions, score = plan
        try:  # registered in 2024: set up before its end, at any time before
            self.book.require("2024", est, "established_on", earlier_ok=True)
        except OutsideCampaign:
            return
        p = MonitoringPoint.register(
            today=est,
            id=f"mp_{i}_{uuid.uuid4().hex[:8]}",
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
                established_on=est,
            ),
        )
        self.events.append(envelope(p.events[0], p.version))
        done: list[tuple[str, date]] = []
        for op, day in sorted(actions, key=lambda a: a[1]):  # as they happen, in time
            if op == "evaluate":
                p = p.evaluate(
                    Evaluation(evaluated_on=day, score=score, evaluator="评估组"), today=day
                )
            elif op == "deactivate" and p.status.value == "active":
                p = p.deactivate("撤并", today=day)
            elif op == "reactivate" and p.status.value == "inactive":
                p = p.reactivate(today=day)
            else:
                continue
            done.append((op, day))
            self.events.append(envelope(p.events[0], p.version))
        self.points.append((p, done))

    def add_activity(self, i: int, plan: Any) -> None:
        campaign, edge, province, participants = plan
        day = edges(campaign)[edge]
        try:
            self.book.require(campaign, day, "scheduled_on")
        except OutsideCampaign:
            return  # refused at intake: never counted
        a = Activity.schedule(
            id=f"act_{i}_{uuid.uuid4().hex[:8]}",
            province=province,
            details=ActivityDetails(
                campaign=campaign,
                kind=ActivityKind.education,
                title="进社区",
                venue_type=VenueType.community,
                venue_name=f"社区{i}",
                city="市",
                county="区",
                scheduled_on=day,
                organizer="局",
            ),
        )
        self.events.append(envelope(a.events[0], a.version))
        a = a.submit_report(
            Report(
                held_on=day,
                participants=participants,
                materials_distributed=0,
                consultations=0,
                comparison_items_displayed=0,
                video_showings=0,
                media_reports=0,
            ),
            today=FAR_FUTURE,
        )
        self.events.append(envelope(a.events[0], a.version))
        self.activities.append(a)


def expected(h: History, campaign: str) -> tuple[dict[str, Counter[str]], dict[str, Any]]:
    """Per province the figures, and the register {point id: (evaluations, latest score and
    day)}, computed day by day from what the plans did."""
    start, end = CAMPAIGNS[campaign]
    figures: dict[str, Counter[str]] = {p: Counter() for p in PROVINCES}
    register: dict[str, Any] = {}
    for a in h.activities:
        if a.campaign == campaign:
            figures[a.province]["education_activities"] += 1
            figures[a.province]["participants"] += a.report.participants  # type: ignore[union-attr]
            figures[a.province]["venues_covered"] += 1  # a venue of its own each
    for p, done in h.points:

        def in_use(day: date, p: MonitoringPoint = p, done: list[Any] = done) -> bool:
            if day < p.established_on:
                return False
            last = [op for op, d in done if d <= day and op != "evaluate"]
            return not last or last[-1] == "reactivate"

        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        evaluations = [d for op, d in done if op == "evaluate" and start <= d <= end]
        row = figures[p.province]
        row["monitoring_points_established"] += start <= p.established_on <= end
        row["monitoring_points_evaluated"] += bool(evaluations)
        if any(in_use(d) for d in days):
            row["monitoring_points_active"] += 1
            register[p.id] = (len(evaluations), max(evaluations) if evaluations else None)
    return figures, register


METRICS = (
    "education_activities",
    "participants",
    "venues_covered",
    "monitoring_points_active",
    "monitoring_points_established",
    "monitoring_points_evaluated",
)


async def observed(store: Any, campaign: str) -> tuple[dict[str, Counter[str]], dict[str, Any]]:
    table = await statistics(store, campaign)
    figures = {
        row.province: Counter({m: row.metrics[m] for m in METRICS if row.metrics[m]})
        for row in table.provinces
        if row.province in PROVINCES
    }
    window = await store.windows.get(campaign)
    register = {
        p.point.id: (
            len(p.evaluations),
            p.latest_evaluation.evaluated_on if p.latest_evaluation else None,
        )
        for p in await points_in_campaign(store.register, window)
        if p.listed
    }
    return figures, register


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    points=st.lists(point_plan, min_size=1, max_size=6),
    activities=st.lists(activity_plan, max_size=10),
    data=st.data(),
)
async def test_registers_and_statistics_of_three_campaigns_equal_an_independent_computation(
    world: World, points: list[Any], activities: list[Any], data: st.DataObject
) -> None:
    h = History()
    for i, plan in enumerate(points):
        h.add_point(i, plan)
    for i, plan in enumerate(activities):
        h.add_activity(i, plan)
    feed = FakeFeed()
    for env in h.events:
        feed.append(env)
        if data.draw(st.integers(0, 4)) == 0:
            feed.append(env)  # published twice
    cuts = data.draw(st.lists(st.integers(1, 9), min_size=1, max_size=3))
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    db_name = f"{world.name}_camp_{uuid.uuid4().hex[:8]}"
    try:
        store, _ = await consume(client, db_name, "statistics", feed, cuts)
        replayed, _ = await consume(client, db_name + "_replay", "statistics-replay", feed, [50])
        for campaign in CAMPAIGNS:
            want = expected(h, campaign)
            want_figures = {
                p: Counter({k: v for k, v in c.items() if v}) for p, c in want[0].items()
            }
            assert await observed(store, campaign) == (want_figures, want[1]), campaign
            assert await observed(replayed, campaign) == (want_figures, want[1]), campaign
    finally:
        await client.drop_database(db_name)
        await client.drop_database(db_name + "_replay")
        await client.close()
