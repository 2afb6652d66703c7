"""Property, against the real MongoDB: register / update / evaluate / deactivate / reactivate /
report sequences (with the signal rule re-triaging earlier reports), delivered to the
aggregator's consumer with duplicates, in batches of any size, then replayed into fresh
collections, give exactly the figures and the register computed from the final records."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import AsyncMongoClient

from sanjin_aggregator.service.register import points_in_campaign
from sanjin_aggregator.service.statistics import statistics
from sanjin_risk_monitoring.domain.point import Evaluation, MonitoringPoint
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_risk_monitoring.domain.triage import SIGNAL_THRESHOLD, product_key
from sanjin_shared.declarations.monitoring import PointDetails, ReportDetails
from sanjin_shared.errors import DomainError
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.reference import HazardType, ProductCategory, RiskLevel, Severity, VenueType
from tests.conftest import World
from tests.support.factories import envelope
from tests.support.feed import FakeFeed, consume

TODAY = date(2019, 12, 31)
PRODUCTS = [("Happy Kid", "HK-1"), ("happy kid", "hk-1"), ("Safe Toys", "ST-9"), ("Other", "O-1")]
SEVERITIES = list(Severity)

step = st.one_of(
    st.tuples(st.just("evaluate"), st.integers(0, 100)),
    st.tuples(st.just("deactivate"), st.just(0)),
    st.tuples(st.just("reactivate"), st.just(0)),
    st.tuples(st.just("move"), st.integers(0, 3)),
    st.tuples(st.just("report"), st.integers(0, len(PRODUCTS) * len(SEVERITIES) * 2 - 1)),
)
point_plan = st.tuples(
    st.sampled_from(["110000", "540000", "660000"]), st.integers(0, 3), st.lists(step, max_size=6)
)
VENUES = list(VenueType)


class World2:
    """Runs the plans through the real domain, with the service's signal rule, keeping streams."""

    def __init__(self) -> None:
        self.streams: dict[str, list[EventEnvelope]] = {}
        self.order: list[str] = []  # which stream each event was appended to, in time order
        self.points: dict[str, MonitoringPoint] = {}
        self.reports: dict[str, RiskReport] = {}
        self.counts: Counter[str] = Counter()

    def emit(self, key: str, record: Any) -> None:
        for event in record.events:
            self.streams.setdefault(key, []).append(envelope(event, record.version))
            self.order.append(key)

    def run(self, plans: list[Any]) -> None:
        for i, (province, venue, steps) in enumerate(plans):
            p = MonitoringPoint.register(
                today=TODAY,
                id=f"mp_{uuid.uuid4().hex[:10]}_{i}",
                province=province,
                external_id=None,
                details=PointDetails(
                    campaign="2019",
                    name=f"点{i}",
                    venue_type=VENUES[venue],
                    city="市",
                    county="区",
                    address="址",
                    host_organization="单位",
                    contact_name="联系人",
                    contact_phone="13800000000",
                    established_on=date(2019, 9, 1),
                ),
            )
            self.emit(p.id, p)
            for op, n in steps:
                try:
                    if op == "evaluate":
                        p = p.evaluate(
                            Evaluation(
                                evaluated_on=date(2019, 10, 1),
                                score=n,
                                evaluator="评估",
                                findings="",
                            ),
                            today=TODAY,
                        )
                    elif op == "deactivate":
                        p = p.deactivate("原因", today=TODAY)
                    elif op == "reactivate":
                        p = p.reactivate(today=TODAY)
                    elif op == "move":
                        p = p.update(today=TODAY, venue_type=VENUES[n])
                    else:
                        self.report(p, n)
                        continue
                except DomainError:
                    continue
                self.emit(p.id, p)
            self.points[p.id] = p

    def report(self, point: MonitoringPoint, n: int) -> None:
        brand, model = PRODUCTS[n % len(PRODUCTS)]
        severity = SEVERITIES[(n // len(PRODUCTS)) % len(SEVERITIES)]
        report_id = f"rr_{uuid.uuid4().hex[:10]}"
        details = ReportDetails(
            monitoring_point_id=point.id,
            campaign="2019",
            occurred_on=date(2019, 10, 1),
            product_category=ProductCategory.toys,
            product_name="玩具",
            brand=brand,
            model=model,
            hazard_type=HazardType.choking,
            severity=severity,
            injured=severity is not Severity.none,
            victim_age=5 if n % 2 else 40,
            victim_sex=None,
            description="",
        )
        key = product_key(details.product_category, details.brand, details.model)
        self.counts[key] += 1  # raises InvalidTransition below for an inactive point: then undone
        try:
            r = RiskReport.receive(
                id=report_id,
                point=point,
                details=details,
                external_id=None,
                today=TODAY,
                signal=self.counts[key] >= SIGNAL_THRESHOLD,
            )
        except DomainError:
            self.counts[key] -= 1
            raise
        self.reports[r.id] = r
        self.emit(r.id, r)
        if self.counts[key] == SIGNAL_THRESHOLD:
            for rid, earlier in list(self.reports.items()):
                if earlier.product_key == key:
                    raised = earlier.raise_signal()
                    if raised.events:
                        self.reports[rid] = raised
                        self.emit(rid, raised)


def direct(world: World2) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for p in world.points.values():
        row = out.setdefault(p.province, Counter())
        row["monitoring_points_established"] += 1  # all set up on the campaign's first day
        # every deactivation happens on TODAY, after the campaign: each was in use during it
        row["monitoring_points_active"] += 1
        row["monitoring_points_evaluated"] += bool(p.evaluations)  # all dated in the campaign
    for r in world.reports.values():
        row = out.setdefault(r.province, Counter())
        row["risk_reports"] += 1
        row["risk_reports_serious"] += r.risk_level is RiskLevel.serious
        row["risk_reports_high"] += r.risk_level is RiskLevel.high
        row["injuries_reported"] += r.injured
    return {p: {k: v for k, v in row.items() if v} for p, row in out.items() if any(row.values())}


METRICS = (
    "monitoring_points_established",
    "monitoring_points_active",
    "monitoring_points_evaluated",
    "risk_reports",
    "risk_reports_serious",
    "risk_reports_high",
    "injuries_reported",
)


def observed(table: Any) -> dict[str, dict[str, int]]:
    out = {}
    for row in table.provinces:
        values = {k: row.metrics[k] for k in METRICS if row.metrics[k]}
        if values:
            out[row.province] = values
    return out


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plans=st.lists(point_plan, min_size=1, max_size=5), data=st.data())
async def test_monitoring_figures_and_register_equal_the_final_records(
    world: World, plans: list[Any], data: st.DataObject
) -> None:
    sim = World2()
    sim.run(plans)
    feed = FakeFeed()
    # in the order the service wrote them; some published twice at once, some again at the end
    # (a relay that crashed before marking them sent)
    late = []
    for env in _in_order(sim):
        feed.append(env)
        again_now, again_later = data.draw(st.integers(0, 5)), data.draw(st.integers(0, 5))
        if again_now == 0:
            feed.append(env)
        if again_later == 0:
            late.append(env)
    for env in late:
        feed.append(env)
    cuts = data.draw(st.lists(st.integers(1, 9), min_size=1, max_size=3))
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    db_name = f"{world.name}_mprop_{uuid.uuid4().hex[:8]}"
    try:
        store, register = await consume(client, db_name, "statistics", feed, cuts)
        expected = direct(sim)
        assert observed(await statistics(store, "2019")) == expected
        window = await store.windows.get("2019")
        rows = {p.point.id: p for p in await points_in_campaign(register, window)}
        assert {
            pid: (p.point.status, len(p.evaluations), p.point.venue_type) for pid, p in rows.items()
        } == {
            pid: (p.status.value, len(p.evaluations), p.venue_type) for pid, p in sim.points.items()
        }

        await consume(client, db_name, "statistics", feed.published_again(_in_order(sim)), [4])
        assert observed(await statistics(store, "2019")) == expected

        replayed, _ = await consume(client, db_name + "_replay", "statistics-replay", feed, [7])
        assert observed(await statistics(replayed, "2019")) == expected
    finally:
        await client.drop_database(db_name)
        await client.drop_database(db_name + "_replay")
        await client.close()


def _in_order(sim: World2) -> list[EventEnvelope]:
    """Every event in the order the service wrote it."""
    position: Counter[str] = Counter()
    out = []
    for key in sim.order:
        out.append(sim.streams[key][position[key]])
        position[key] += 1
    return out
