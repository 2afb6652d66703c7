"""The official figures (issue 20) on the real MongoDB and the aggregator's real projection: the
national table compiled from the APPROVED snapshots stays as approved when a record changes after
approval, the live one moves, and both equal an independent computation from the activities fed
in; the workbook carries both, the breakdown by venue type, the filler block and the print
layout; the CSV carries the approval times and the difference."""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.submissions import SubmissionRepository
from sanjin_aggregator.domain.metrics import COUNT_METRICS, METRIC_LABELS
from sanjin_aggregator.service.campaigns import CampaignService
from sanjin_aggregator.service.exports import csv_bytes, official_workbook
from sanjin_aggregator.service.official import official_figures
from sanjin_aggregator.service.statistics import statistics
from sanjin_aggregator.service.submissions import SubmissionService
from sanjin_shared.audit import Actor
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import BEIJING
from sanjin_shared.context import RequestContext
from sanjin_shared.events.activities import ActivityReportCorrected, ActivityReported, ActivityState
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.reference import PROVINCES
from tests.conftest import World
from tests.support.factories import activity_state, envelope
from tests.support.feed import FakeFeed, consume

DEADLINE = datetime(2019, 11, 30, 23, 59, 59, tzinfo=BEIJING)
HQ = RequestContext(Principal(sub="hq-1", role=Role.hq), "t")
APPROVED, SUBMITTED_ONLY, SILENT = "110000", "310000", "440000"


def province(code: str) -> RequestContext:
    return RequestContext(Principal(sub=f"p-{code}", role=Role.province, province=code), "t")


def expected(activities: dict[str, ActivityState]) -> dict[str, Counter[str]]:
    """Independent of the projection: each unit's counts straight from the activities."""
    out: dict[str, Counter[str]] = {p: Counter() for p in PROVINCES}
    venues: dict[str, set[str]] = {p: set() for p in PROVINCES}
    for a in activities.values():
        row = out[a.province]
        row["education_activities"] += 1
        for m in ("participants", "materials_distributed", "consultations"):
            row[m] += getattr(a.report, m)
        venues[a.province].add(a.venue_name)
    for p, names in venues.items():
        out[p]["venues_covered"] = len(names)
    return out


@pytest.fixture
async def db_name(world: World) -> AsyncIterator[str]:
    name = f"{world.name}_official_{uuid.uuid4().hex[:8]}"
    yield name
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
    await client.drop_database(name)
    await client.close()


async def test_approved_figures_stay_and_live_ones_move(world: World, db_name: str) -> None:
    rng = random.Random(20)
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    try:
        now = [DEADLINE - timedelta(days=2)]
        db = client[db_name]
        service = SubmissionService(
            UnitOfWork(client, db, actor=Actor.system("tests")),
            StatisticsStore(db),
            clock=lambda: now[0],
        )
        await CampaignService(UnitOfWork(client, db, actor=Actor.system("tests"))).define(
            HQ, "c", date(2019, 9, 1), date(2019, 11, 30), DEADLINE
        )
        feed, activities = FakeFeed(), {}
        for code in (APPROVED, SUBMITTED_ONLY, SILENT):
            for i in range(rng.randint(2, 5)):
                a = activity_state(
                    "c",
                    province=code,
                    participants=rng.randint(1, 500),
                    venue_name=f"社区{i % 2}",
                )
                activities[a.id] = a
                feed.append(envelope(ActivityReported(activity=a), 2))
        store, _ = await consume(client, db_name, "statistics", feed, [3])
        at_approval = expected(activities)

        await service.submit(province(APPROVED), "c", "北京总结")
        await service.submit(province(SUBMITTED_ONLY), "c", "上海总结")
        now[0] += timedelta(hours=1)
        await service.approve(HQ, "c", APPROVED, "同意")

        # after approval, one of the approved unit's activities is corrected and another added
        changed = next(a for a in activities.values() if a.province == APPROVED)
        report = changed.report.model_copy(
            update={"participants": changed.report.participants + 77}
        )
        activities[changed.id] = changed.model_copy(update={"report": report})
        extra = activity_state("c", province=APPROVED, participants=9, venue_name="新社区")
        activities[extra.id] = extra
        await consume(
            client,
            db_name,
            "statistics",
            feed.published_again(
                [
                    envelope(ActivityReportCorrected(activity=activities[changed.id]), 3),
                    envelope(ActivityReported(activity=extra), 2),
                ]
            ),
            [5],
        )
        now_expected = expected(activities)
        assert now_expected[APPROVED] != at_approval[APPROVED]

        figures = await official_figures(SubmissionRepository(db), store, "c")
        live = await statistics(store, "c")
        rows = {r.province: r for r in figures.approved.provinces}
        live_rows = {r.province: r for r in figures.live.provinces}
        for m in COUNT_METRICS:
            if m in at_approval[APPROVED] or m in now_expected[APPROVED]:
                assert rows[APPROVED].metrics[m] == at_approval[APPROVED][m], m
                assert live_rows[APPROVED].metrics[m] == now_expected[APPROVED][m], m
            assert rows[SUBMITTED_ONLY].metrics[m] == 0  # submitted, not approved
            assert rows[SILENT].metrics[m] == 0
            assert live_rows[SILENT].metrics[m] == now_expected[SILENT][m]
            assert figures.approved.totals[m] == at_approval[APPROVED][m]
            assert figures.live.totals[m] == sum(c[m] for c in now_expected.values())
        assert (
            rows[APPROVED].by_venue_type["community"]["participants"]
            == (at_approval[APPROVED]["participants"])
        )
        assert figures.difference(APPROVED)["participants"] == 77 + 9
        assert figures.difference(APPROVED)["education_activities"] == 1
        assert set(figures.approvals) == {APPROVED}
        approval = figures.approvals[APPROVED]
        assert approval.approved_at == now[0] and approval.as_of is not None
        assert live.totals == figures.live.totals

        # the workbook: the approved table, by venue type, live beside it, the difference
        book = openpyxl.load_workbook(
            io.BytesIO(
                official_workbook(live, figures, filler_unit="质量监督司", today=date(2019, 12, 1))
            )
        )
        assert book.sheetnames == ["活动情况统计表", "按场所类型", "实时数据", "差异（实时−审核）"]
        table = book["活动情况统计表"]
        headers = [c.value for c in table[2]]
        col = headers.index(METRIC_LABELS["participants"]) + 1
        by_name = {table.cell(r, 2).value: r for r in range(3, 36)}
        assert table.cell(by_name["北京市"], col).value == at_approval[APPROVED]["participants"]
        assert table.cell(by_name["合计"], col).value == at_approval[APPROVED]["participants"]
        assert table.cell(by_name["上海市"], headers.index("数据截至") + 1).value == "未审核通过"
        approved_cell = table.cell(by_name["北京市"], headers.index("审核通过时间") + 1).value
        assert approved_cell == now[0].astimezone(BEIJING).replace(tzinfo=None)  # a date, for WPS
        live_sheet = book["实时数据"]
        assert (
            live_sheet.cell(by_name["北京市"], col).value == now_expected[APPROVED]["participants"]
        )
        assert book["差异（实时−审核）"].cell(by_name["北京市"], col).value == 86
        texts = [c.value for row in table.iter_rows() for c in row if isinstance(c.value, str)]
        for label in ("填报单位：质量监督司", "填报人：", "联系电话：", "填报日期：2019-12-01"):
            assert label in texts
        for ws in book.worksheets:
            assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.print_title_rows == "$1:$2"
        venue = book["按场所类型"]
        kinds = {venue.cell(r, 3).value for r in range(3, 3 + 4 * 33)}
        assert kinds == {"社区", "校园", "乡镇", "医院"}
        assert len(venue.row_breaks.brk) == 3
        vcol = [c.value for c in venue[2]].index(METRIC_LABELS["participants"]) + 1
        totals = {
            venue.cell(r, 3).value: venue.cell(r, vcol).value
            for r in range(3, 3 + 4 * 33)
            if venue.cell(r, 2).value == "合计"
        }
        assert totals == {
            "社区": at_approval[APPROVED]["participants"],  # every activity was in a community
            "校园": 0,
            "乡镇": 0,
            "医院": 0,
        }

        # the CSV: approval times, the approved figures, the difference
        lines = list(csv.reader(io.StringIO(csv_bytes(live, figures).decode("utf-8-sig"))))
        header, beijing = lines[0], next(r for r in lines if r[0] == APPROVED)
        assert beijing[header.index(METRIC_LABELS["participants"])] == str(
            at_approval[APPROVED]["participants"]
        )
        assert beijing[header.index(METRIC_LABELS["participants"] + "（实时−审核）")] == "86"
        assert beijing[header.index("审核通过时间")].endswith("+08:00")
    finally:
        await client.close()
