"""The province home's checklist (aggregator domain/checklist.py): what is outstanding, with its
count and message, in a fixed order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.checklist import ChecklistCode, UnitFacts, checklist
from sanjin_aggregator.domain.contributions import contribution_of
from sanjin_aggregator.domain.metrics import COUNT_METRICS
from sanjin_aggregator.domain.package import FileKind
from sanjin_aggregator.domain.register import PointInCampaign, Window, in_campaign
from sanjin_aggregator.domain.submission import SubmissionStatus
from sanjin_shared.clock import BEIJING
from sanjin_shared.events.activities import ActivityCancelled, ActivityReported, ActivityScheduled
from sanjin_shared.events.monitoring import ActivePeriod, EvaluationRecord, MonitoringPointState
from sanjin_shared.reference import VenueType
from tests.support.factories import activity_state

CAMPAIGN = Campaign(
    "2031",
    date(2031, 9, 1),
    date(2031, 11, 30),
    datetime(2031, 12, 10, 23, 59, 59, tzinfo=BEIJING),
)
TODAY = date(2031, 10, 15)


WINDOW = Window(CAMPAIGN.starts_on, CAMPAIGN.ends_on)


def point(n: int, *, status: str = "active", evaluated_on: date | None = None) -> PointInCampaign:
    """A point set up before the campaign, in use since (until a week ago when inactive)."""
    state = MonitoringPointState(
        id=f"p{n}",
        province="110000",
        campaign="2030",
        name=f"监测点{n}",
        venue_type=VenueType.community,
        city="北京市",
        county="朝阳区",
        address="朝阳路1号",
        host_organization="朝阳社区居委会",
        contact_name="张三",
        contact_phone="13800000000",
        established_on=date(2030, 9, 2),
        capabilities=[],
        status=status,
        evaluations=(
            [EvaluationRecord(evaluated_on=evaluated_on, score=90, evaluator="李四")]
            if evaluated_on
            else []
        ),
        active=[
            ActivePeriod(
                since=date(2030, 9, 2),
                until=None if status == "active" else TODAY - timedelta(days=7),
            )
        ],
    )
    found = in_campaign(state, WINDOW)
    assert found is not None
    return found


def facts(**changes: object) -> UnitFacts:
    base: dict[str, object] = {
        "today": TODAY,
        "metrics": dict.fromkeys(COUNT_METRICS, 0),
        "points": [],
        "unreported": [],
        "files": [],
        "cases": 0,
        "status": SubmissionStatus.missing,
    }
    return UnitFacts(**(base | changes))  # type: ignore[arg-type]


def done() -> UnitFacts:
    """A unit with nothing outstanding."""
    metrics = dict.fromkeys(COUNT_METRICS, 3)
    return facts(
        metrics=metrics,
        points=[point(1, evaluated_on=date(2031, 9, 20))],
        files=[FileKind.summary, FileKind.case_photo],
        cases=1,
        status=SubmissionStatus.submitted,
    )


def codes(f: UnitFacts) -> list[ChecklistCode]:
    return [i.code for i in checklist(f)]


def test_a_unit_that_has_started_nothing_sees_every_item_but_the_dependent_ones() -> None:
    assert codes(facts()) == [
        ChecklistCode.no_activities,
        ChecklistCode.no_monitoring_points,
        ChecklistCode.no_survey,
        ChecklistCode.no_summary,
        ChecklistCode.no_typical_case,
        ChecklistCode.not_submitted,
    ]
    assert [i.message for i in checklist(facts())][:2] == [
        "尚无已举办的宣传教育活动",
        "尚未登记在用的风险信息监测点（附件2）",
    ]


def test_a_unit_that_did_everything_has_an_empty_checklist() -> None:
    assert checklist(done()) == []


def test_activities_count_only_when_their_date_has_passed() -> None:
    unreported = [date(2031, 9, 30), date(2031, 10, 14), TODAY, date(2031, 11, 1)]
    items = checklist(replace(done(), unreported=unreported))
    assert [(i.code, i.count, i.message) for i in items] == [
        (ChecklistCode.activities_not_reported, 2, "有2场宣传教育活动已过活动日期，尚未报告")
    ]


def test_points_evaluated_before_the_campaign_or_never_are_not_evaluated_stopped_ones_do_not_count() -> (
    None
):
    points = [
        point(1, evaluated_on=date(2031, 9, 1)),  # the first day counts
        point(2, evaluated_on=date(2031, 8, 31)),
        point(3),
        point(4, status="inactive"),
    ]
    items = checklist(facts(points=points))
    found = {i.code: i for i in items}
    assert ChecklistCode.no_monitoring_points not in found
    assert found[ChecklistCode.points_not_evaluated].count == 2
    assert found[ChecklistCode.points_not_evaluated].message == "有2个风险信息监测点本年度尚未评估"
    only_inactive = codes(facts(points=[point(4, status="inactive")]))
    assert ChecklistCode.no_monitoring_points in only_inactive
    assert ChecklistCode.points_not_evaluated not in only_inactive


def test_a_survey_without_responses_and_a_returned_report() -> None:
    metrics = dict.fromkeys(COUNT_METRICS, 0) | {"surveys": 1}
    got = codes(facts(metrics=metrics, status=SubmissionStatus.returned))
    assert ChecklistCode.no_survey not in got
    assert ChecklistCode.no_survey_responses in got
    assert ChecklistCode.returned in got
    assert ChecklistCode.not_submitted not in got


def test_a_photo_is_not_a_summary() -> None:
    got = codes(replace(done(), files=[FileKind.photo]))
    assert got == [ChecklistCode.no_summary]


def test_an_activity_scheduled_carries_its_date_until_reported_or_cancelled() -> None:
    """The projection keeps what the checklist counts: a scheduled activity's date."""
    events = {
        status: event(activity=activity_state(CAMPAIGN.id, status=status))
        for status, event in (
            ("scheduled", ActivityScheduled),
            ("completed", ActivityReported),
            ("cancelled", ActivityCancelled),
        )
    }
    scheduled, completed, cancelled = (contribution_of(e) for e in events.values())
    assert scheduled is not None and scheduled.due_on == "2019-09-20"
    assert scheduled.counters == {}
    assert completed is not None and completed.due_on is None
    assert cancelled is not None and cancelled.due_on is None


@settings(max_examples=200, deadline=None)
@given(
    held=st.integers(0, 5),
    surveys=st.integers(0, 2),
    responses=st.integers(0, 2),
    dates=st.lists(st.integers(-60, 60), max_size=8),
    evaluated=st.lists(st.one_of(st.none(), st.integers(-30, 30)), max_size=6),
    kinds=st.lists(st.sampled_from(list(FileKind)), max_size=4),
    cases=st.integers(0, 3),
    status=st.sampled_from(list(SubmissionStatus)),
)
def test_properties(
    held: int,
    surveys: int,
    responses: int,
    dates: list[int],
    evaluated: list[int | None],
    kinds: list[FileKind],
    cases: int,
    status: SubmissionStatus,
) -> None:
    metrics = dict.fromkeys(COUNT_METRICS, 0) | {
        "seminars": held,
        "surveys": surveys,
        "survey_responses": responses,
    }
    points = [
        point(i, evaluated_on=None if d is None else CAMPAIGN.starts_on + timedelta(days=d))
        for i, d in enumerate(evaluated)
    ]
    f = facts(
        metrics=metrics,
        points=points,
        unreported=[TODAY + timedelta(days=d) for d in dates],
        files=kinds,
        cases=cases,
        status=status,
    )
    items = checklist(f)
    order = list(ChecklistCode)
    # in the declared order, each code once, every count positive, every message filled in
    assert [order.index(i.code) for i in items] == sorted(order.index(i.code) for i in items)
    assert len({i.code for i in items}) == len(items)
    assert all(i.count > 0 and "{" not in i.message for i in items)
    found = {i.code: i.count for i in items}
    assert found.get(ChecklistCode.activities_not_reported, 0) == sum(1 for d in dates if d < 0)
    not_evaluated = sum(1 for d in evaluated if d is None or d < 0)
    assert found.get(ChecklistCode.points_not_evaluated, 0) == not_evaluated
    assert (ChecklistCode.no_monitoring_points in found) == (not points)
    assert (ChecklistCode.no_survey in found) == (surveys == 0)
    assert ChecklistCode.no_survey_responses not in found or surveys > 0
    assert (ChecklistCode.no_summary in found) == (FileKind.summary not in kinds)
    assert (ChecklistCode.no_typical_case in found) == (cases == 0)
    # at most one of the submission's items, and none once it is with headquarters
    assert (ChecklistCode.not_submitted in found) == (status is SubmissionStatus.missing)
    assert (ChecklistCode.returned in found) == (status is SubmissionStatus.returned)
    # uploading the summary takes its item away and adds none
    with_summary = checklist(replace(f, files=[*kinds, FileKind.summary]))
    assert {i.code for i in with_summary} == {i.code for i in items} - {ChecklistCode.no_summary}


def test_every_item_reads_in_english_too() -> None:
    items = checklist(replace(facts(), unreported=[date(2031, 9, 1)]))
    assert items[0].message_en == "Activities past their date and not reported: 1"
    assert all(i.message_en and "{" not in i.message_en for i in items)
