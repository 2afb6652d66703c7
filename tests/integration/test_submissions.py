"""Report submissions against the campaign's absolute deadline, with the clock injected, on the
real MongoDB: on time up to the deadline itself and late after it, approval locks, a return and
a resubmission keep the history with what changed, the tracker's counts, and the overdue notice
said once per missing province."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.service.campaigns import CampaignService
from sanjin_aggregator.service.submissions import SubmissionService, Tracker
from sanjin_shared.audit import Actor
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import BEIJING
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import InvalidTransition
from sanjin_shared.events.activities import ActivityReportCorrected, ActivityReported
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.reference import PROVINCES
from tests.conftest import World
from tests.support.factories import activity_state, envelope
from tests.support.feed import FakeFeed, consume

DEADLINE = datetime(2019, 11, 30, 23, 59, 59, tzinfo=BEIJING)


class Clock:
    def __init__(self) -> None:
        self.now = DEADLINE - timedelta(days=1)

    def __call__(self) -> datetime:
        return self.now


def province(code: str) -> RequestContext:
    return RequestContext(Principal(sub=f"p-{code}", role=Role.province, province=code), "t")


HQ = RequestContext(Principal(sub="hq-1", role=Role.hq), "t")


def service_uow(client: AsyncMongoClient, db_name: str) -> UnitOfWork:
    return UnitOfWork(client, client[db_name], actor=Actor.system("tests"))


@pytest.fixture
async def db_name(world: World) -> AsyncIterator[str]:
    name = f"{world.name}_sub_{uuid.uuid4().hex[:8]}"
    yield name
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
    await client.drop_database(name)
    await client.close()


async def test_on_time_late_approve_return_and_the_tracker(world: World, db_name: str) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    try:
        clock = Clock()
        store = StatisticsStore(client[db_name])
        service = SubmissionService(
            UnitOfWork(client, client[db_name], actor=Actor.system("tests")), store, clock=clock
        )
        await CampaignService(service_uow(client, db_name)).define(
            HQ, "c1", date(2019, 9, 1), date(2019, 11, 30), DEADLINE
        )

        # figures of Beijing before its first submission: one completed activity, 100 people
        feed = FakeFeed()
        feed.append(
            envelope(
                ActivityReported(activity=activity_state("c1", activity_id="a1", participants=100)),
                2,
            )
        )
        await consume(client, db_name, "statistics", feed, [5])

        first = await service.submit(province("110000"), "c1", "九月至十一月共开展活动一场")
        assert first.latest.on_time and first.latest.snapshot["participants"] == 100
        assert first.latest.counters["community"]["participants"] == 100
        clock.now = DEADLINE + timedelta(milliseconds=500)  # within the deadline's last second
        assert (await service.submit(province("120000"), "c1", "天津")).latest.on_time
        clock.now = DEADLINE + timedelta(seconds=1)
        late = await service.submit(province("130000"), "c1", "河北")
        assert late.latest.on_time is False

        returned = await service.return_(HQ, "c1", "110000", "请补充媒体报道数")
        assert returned.status.value == "returned"
        corrected = ActivityReportCorrected(
            activity=activity_state("c1", activity_id="a1", participants=130)
        )
        await consume(
            client, db_name, "statistics", feed.published_again([envelope(corrected, 3)]), [5]
        )
        again = await service.submit(province("110000"), "c1", "已补充")
        # resubmitted after the deadline: this delivery was late, the unit is not (the first
        # submission decides)
        assert again.attempts == 2 and again.latest.on_time is False
        assert again.timeliness(await service.campaign("c1"), clock.now).on_time is True
        assert again.latest.changes == {"participants": {"before": 100, "after": 130}}
        assert [s.action for s in again.history] == ["submitted", "returned", "submitted"]

        approved = await service.approve(HQ, "c1", "110000", None)
        assert approved.status.value == "approved"
        with pytest.raises(InvalidTransition):
            await service.submit(province("110000"), "c1", "再次提交")
        with pytest.raises(InvalidTransition):
            await service.approve(HQ, "c1", "140000", None)  # nothing submitted

        tracker = await service.tracker("c1")
        assert len(tracker.rows) == 32
        summary = tracker.summary
        assert (summary["expected"], summary["submitted"], summary["on_time"], summary["late"]) == (
            32,
            3,
            2,
            1,
        )
        assert summary["approved"] == 1 and summary["returned"] == 0
        assert len(summary["missing"]) == 29 and "110000" not in summary["missing"]
        assert summary["overdue"] == summary["missing"]  # the clock is past the deadline
    finally:
        await client.close()


async def test_overdue_is_said_once_per_missing_province(world: World, db_name: str) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    try:
        clock = Clock()
        uow = UnitOfWork(client, client[db_name], actor=Actor.system("tests"))
        service = SubmissionService(uow, StatisticsStore(client[db_name]), clock=clock)
        other = SubmissionService(uow, StatisticsStore(client[db_name]), clock=clock)
        await CampaignService(uow).define(HQ, "c2", date(2019, 9, 1), date(2019, 11, 30), DEADLINE)
        await service.submit(province("650000"), "c2", "新疆")
        assert await service.mark_overdue() == []  # before the deadline
        clock.now = DEADLINE + timedelta(seconds=1)
        await service.submit(province("660000"), "c2", "兵团, 迟交")

        # two aggregator processes looking at once: each province is said exactly once
        marked = await asyncio.gather(service.mark_overdue(), other.mark_overdue())
        said = sorted(p for batch in marked for _, p in batch)
        assert said == sorted(set(PROVINCES) - {"650000", "660000"})
        assert await service.mark_overdue() == []
        events = await client[db_name]["outbox"].find().to_list()
        overdue = [EventEnvelope.from_json(e["value"]) for e in events]
        overdue = [e for e in overdue if e.type == "SubmissionDeadlineMissed"]
        assert sorted(e.payload["province"] for e in overdue) == said
        tracker = await service.tracker("c2")
        assert {r.province for r in tracker.rows if r.overdue} == set(said)
    finally:
        await client.close()


async def test_changing_a_deadline_judges_again_every_unit_not_approved(
    world: World, db_name: str
) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    try:
        clock = Clock()
        uow = UnitOfWork(client, client[db_name], actor=Actor.system("tests"))
        service = SubmissionService(uow, StatisticsStore(client[db_name]), clock=clock)
        campaigns = CampaignService(uow, clock=clock)
        await campaigns.define(HQ, "c3", date(2019, 9, 1), date(2019, 11, 30), DEADLINE)
        clock.now = DEADLINE + timedelta(hours=20)  # late, both
        await service.submit(province("110000"), "c3", "北京")
        await service.submit(province("120000"), "c3", "天津")
        await service.approve(HQ, "c3", "120000", None)  # approval settles Tianjin as late

        def judged(tracker: Tracker) -> dict[str, tuple[bool | None, int]]:
            return {
                r.province: (r.timeliness.on_time, r.timeliness.days_late)
                for r in tracker.rows
                if r.province in ("110000", "120000", "130000")
            }

        assert judged(await service.tracker("c3")) == {
            "110000": (False, 1),
            "120000": (False, 1),
            "130000": (None, 1),  # missing, a day overdue
        }
        # the campaign's deadline moves a day later: everything not approved is judged again
        await campaigns.define(
            HQ, "c3", date(2019, 9, 1), date(2019, 11, 30), DEADLINE + timedelta(days=1)
        )
        tracker = await service.tracker("c3")
        assert judged(tracker) == {"110000": (True, 0), "120000": (False, 1), "130000": (None, 0)}
        assert (tracker.summary["on_time"], tracker.summary["late"]) == (1, 1)
        # and a unit's own extension is its deadline
        clock.now = DEADLINE + timedelta(days=3)
        await service.extend(HQ, "c3", "130000", DEADLINE + timedelta(days=2, hours=1), "断网")
        row = next(r for r in (await service.tracker("c3")).rows if r.province == "130000")
        assert row.overdue and row.timeliness.days_late == 1
        assert row.timeliness.deadline == DEADLINE + timedelta(days=2, hours=1)
    finally:
        await client.close()
