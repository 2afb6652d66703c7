"""What a reporting unit still has to do for a campaign (the province home's checklist). Pure: no
I/O. The one place the rule lives: `checklist` takes what the read models hold about the unit
and answers the outstanding items in a fixed order, each with its code, its count and a Chinese
message; nothing outstanding, no item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sanjin_aggregator.domain.package import FileKind
from sanjin_aggregator.domain.register import PointInCampaign
from sanjin_aggregator.domain.submission import SubmissionStatus
from sanjin_shared.reference import LabelledEnum

HELD_METRICS = ("education_activities", "seminars", "launch_ceremonies")


class ChecklistCode(LabelledEnum):
    """An item of the checklist, with the message an officer reads ({count}: the item's count);
    the declared order is the checklist's."""

    activities_not_reported = (
        "activities_not_reported",
        "有{count}场宣传教育活动已过活动日期，尚未报告",
    )
    no_activities = ("no_activities", "尚无已举办的宣传教育活动")
    no_monitoring_points = ("no_monitoring_points", "尚未登记在用的风险信息监测点（附件2）")
    points_not_evaluated = ("points_not_evaluated", "有{count}个风险信息监测点本年度尚未评估")
    no_survey = ("no_survey", "尚未开展满意度调查")
    no_survey_responses = ("no_survey_responses", "满意度调查尚无问卷")
    no_summary = ("no_summary", "尚未上传总结材料")
    no_typical_case = ("no_typical_case", "尚未添加典型案例")
    returned = ("returned", "报送已被总局退回，请修改后重新报送")
    not_submitted = ("not_submitted", "尚未报送")


MESSAGES_EN: dict[ChecklistCode, str] = {
    ChecklistCode.activities_not_reported: "Activities past their date and not reported: {count}",
    ChecklistCode.no_activities: "No activity has been held yet",
    ChecklistCode.no_monitoring_points: "No monitoring point in use is registered (Attachment 2)",
    ChecklistCode.points_not_evaluated: "Monitoring points not evaluated this year: {count}",
    ChecklistCode.no_survey: "No satisfaction survey yet",
    ChecklistCode.no_survey_responses: "The satisfaction survey has no responses yet",
    ChecklistCode.no_summary: "No summary document uploaded",
    ChecklistCode.no_typical_case: "No typical case yet",
    ChecklistCode.returned: "Headquarters returned the report: correct it and submit again",
    ChecklistCode.not_submitted: "Not submitted yet",
}


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    code: ChecklistCode
    count: int

    @property
    def message(self) -> str:
        return self.code.label_zh.format(count=self.count)

    @property
    def message_en(self) -> str:
        return MESSAGES_EN[self.code].format(count=self.count)


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """What the read models hold about one unit in one campaign."""

    today: date  # Beijing date
    metrics: Mapping[str, int | float | None]  # the unit's row of the statistics table
    points: Sequence[PointInCampaign]  # the unit's points that play a part in the campaign
    unreported: Sequence[date]  # scheduled dates of its activities neither reported nor cancelled
    files: Iterable[FileKind]  # the kinds of the files of its report package
    cases: int  # its typical cases
    status: SubmissionStatus


def checklist(facts: UnitFacts) -> list[ChecklistItem]:
    """The unit's outstanding items, in the order of `ChecklistCode`."""
    m = facts.metrics
    # in use during the campaign and still in use: an evaluation in the campaign's window is due
    active = [p for p in facts.points if p.listed and p.point.status == "active"]
    kinds = set(facts.files)
    counts: dict[ChecklistCode, int] = {
        ChecklistCode.activities_not_reported: sum(1 for d in facts.unreported if d < facts.today),
        ChecklistCode.no_activities: int(not any(m.get(k) for k in HELD_METRICS)),
        ChecklistCode.no_monitoring_points: int(not active),
        ChecklistCode.points_not_evaluated: sum(1 for p in active if not p.evaluations),
        ChecklistCode.no_survey: int(not m.get("surveys")),
        ChecklistCode.no_survey_responses: int(
            bool(m.get("surveys")) and not m.get("survey_responses")
        ),
        ChecklistCode.no_summary: int(FileKind.summary not in kinds),
        ChecklistCode.no_typical_case: int(facts.cases == 0),
        ChecklistCode.returned: int(facts.status is SubmissionStatus.returned),
        ChecklistCode.not_submitted: int(facts.status is SubmissionStatus.missing),
    }
    return [ChecklistItem(code, counts[code]) for code in ChecklistCode if counts[code] > 0]
