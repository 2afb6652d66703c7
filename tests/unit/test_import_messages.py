"""Every refusal a workbook import can meet in the domain reaches the officer in Chinese: the
rules of activities (schedule, report, correct), risk reports and monitoring points, inspection
results and paper survey responses are written in Chinese where they are raised, the one source
of the JSON API's messages and of the import's errors at their row."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from sanjin_inspection.domain.result import InspectionResult
from sanjin_risk_monitoring.domain.point import MonitoringPoint
from sanjin_shared.batch import ItemConflict
from sanjin_shared.campaigns import CampaignBook, CampaignsUnavailable, CampaignWindow
from sanjin_shared.declarations.inspection import ResultDetails
from sanjin_shared.declarations.surveys import Question, SurveyDetails
from sanjin_shared.errors import DomainError
from sanjin_shared.problems import Problem
from sanjin_shared.reference import (
    ActivityKind,
    EducationFormat,
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    Severity,
    VenueType,
)
from sanjin_survey.domain.survey import Survey
from tests.unit import test_activity_domain as activities
from tests.unit import test_inspection_domain as inspection
from tests.unit import test_risk_domain as risk

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def result(service: InspectionService, outcome: InspectionOutcome, **session: object) -> object:
    details = ResultDetails(product_category=ProductCategory.toys, service=service, outcome=outcome)
    return InspectionResult.record(
        id="ir_1",
        session=inspection.session(**session),
        booking=None,
        details=details,
        today=inspection.TODAY,
    )


def survey() -> Survey:
    question = Question(id="q1", text="质量满意吗", dimension="quality", scale_max=5, weight=1.0)
    details = SurveyDetails(
        campaign="2019",
        product_category=ProductCategory.toys,
        title="玩具满意度调查",
        questions=(question,),
        opens_on=date(2019, 9, 1),
        closes_on=date(2019, 11, 30),
    )
    return Survey.publish(id="sv_1", province="110000", details=details, external_id=None)


def point() -> MonitoringPoint:
    return risk.point()


REFUSALS: dict[str, Callable[[], object]] = {
    "activity venue": lambda: activities.schedule(venue_type=VenueType.hospital),
    "activity formats": lambda: activities.schedule(
        kind=ActivityKind.seminar, formats=(EducationFormat.video,)
    ),
    "recommendations": lambda: activities.schedule().submit_report(
        activities.report(recommendations=("多设监测点",)), today=activities.TODAY
    ),
    "cancelled activity reported": lambda: (
        activities.schedule()
        .cancel("暴雨")
        .submit_report(activities.report(), today=activities.TODAY)
    ),
    "risk report from an inactive point": lambda: risk.report(
        point().deactivate("撤销", today=risk.TODAY)
    ),
    "risk report in the future": lambda: risk.report(point(), occurred_on=date(2019, 11, 5)),
    "injury without severity": lambda: risk.report(point(), severity=Severity.none, injured=True),
    "fatal without injury": lambda: risk.report(point(), severity=Severity.fatal, injured=False),
    "point in the future": lambda: risk.point(established_on=date(2019, 11, 2)),
    "point field that never changes": lambda: point().update(today=risk.TODAY, province="120000"),
    "result outcome": lambda: result(InspectionService.testing, InspectionOutcome.genuine),
    "result of a service not offered": lambda: result(
        InspectionService.certification, InspectionOutcome.served
    ),
    "result before the session": lambda: result(
        InspectionService.testing, InspectionOutcome.passed, date=date(2019, 12, 20)
    ),
    "result of a cancelled session": lambda: InspectionResult.record(
        id="ir_1",
        session=inspection.session().cancel("暴雨", bookings_cancelled=0),
        booking=None,
        details=ResultDetails(
            product_category=ProductCategory.toys,
            service=InspectionService.testing,
            outcome=InspectionOutcome.passed,
        ),
        today=inspection.TODAY,
    ),
    "response before the survey opens": lambda: survey().score({"q1": 3}, today=date(2019, 8, 1)),
    "response after it closed": lambda: survey().score({"q1": 3}, today=date(2019, 12, 1)),
    "unknown question": lambda: survey().score({"q9": 3}, today=date(2019, 10, 1)),
    "score out of the scale": lambda: survey().score({"q1": 6}, today=date(2019, 10, 1)),
    "unanswered question": lambda: survey().score({}, today=date(2019, 10, 1)),
}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_an_import_refusal_is_written_in_chinese(refusal: str) -> None:
    with pytest.raises(DomainError) as err:
        REFUSALS[refusal]()
    conflict = ItemConflict.of_error(0, err.value)  # as an import answers it at its row
    assert CHINESE.search(conflict.detail), conflict.detail
    assert not re.search(r"\b(the|is|cannot|must|no)\b", conflict.detail), conflict.detail


def test_the_campaign_rule_answers_a_row_in_chinese() -> None:
    book = CampaignBook([CampaignWindow("2019", date(2019, 9, 1), date(2019, 11, 30))])
    refusals: list[Problem] = [CampaignsUnavailable("活动批次“2030”")]
    for campaign, day in (("2030", date(2030, 9, 1)), ("2019", date(2019, 12, 5))):
        with pytest.raises(Problem) as err:
            book.require(campaign, day, "scheduled_on")
        refusals.append(err.value)
    for problem in refusals:
        conflict = ItemConflict.of_error(0, problem)
        assert CHINESE.search(conflict.detail), conflict.detail
        assert not re.search(r"[A-Za-z]{3,}", conflict.detail), conflict.detail
