"""The activity (events service): an education event, a co-governance seminar or the national
launch ceremony, and the figures of its report. Declared once; see `sanjin_shared.declaration`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from sanjin_shared.api_types import CampaignId, Place, Text
from sanjin_shared.declaration import Declared
from sanjin_shared.declarations.common import Intake
from sanjin_shared.reference import (
    ActivityKind,
    EducationFormat,
    LabelledEnum,
    ProvinceCode,
    VenueType,
)

# Upper bounds a regulator would find plausible for one activity; beyond them it is a typo.
MAX_PARTICIPANTS = 1_000_000
MAX_ITEMS = 10_000_000
MAX_SHOWINGS = 10_000
MAX_MEDIA_REPORTS = 10_000

Recommendation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]


class ActivityStatus(LabelledEnum):
    scheduled = ("scheduled", "已计划")
    completed = ("completed", "已举办")
    cancelled = ("cancelled", "已取消")


class ActivityReport(Declared):
    """What a held activity achieved, as the province reported it last."""

    held_on: date = Field(
        title="举办日期",
        description="The Beijing date it was held: not in the future, within the campaign year.",
        examples=["2019-09-20"],
    )
    participants: int = Field(
        ge=0, le=MAX_PARTICIPANTS, title="参与人数", description="People who took part.",
        examples=[200],
    )  # fmt: skip
    materials_distributed: int = Field(
        default=0, ge=0, le=MAX_ITEMS, title="发放宣传资料（份）", examples=[300]
    )
    consultations: int = Field(
        default=0, ge=0, le=MAX_PARTICIPANTS, title="接受咨询（人次）", examples=[20]
    )
    comparison_items_displayed: int = Field(
        default=0, ge=0, le=MAX_ITEMS, title="实物对比展示（件）", examples=[5]
    )
    video_showings: int = Field(
        default=0, ge=0, le=MAX_SHOWINGS, title="播放视频资料（次）", examples=[1]
    )
    media_reports: int = Field(
        default=0, ge=0, le=MAX_MEDIA_REPORTS, title="媒体报道（篇）", examples=[2]
    )
    recommendations: tuple[Recommendation, ...] = Field(
        default=(),
        max_length=100,
        title="意见建议",
        description="What a seminar recommended (seminars only).",
        examples=[["加强网购儿童用品抽查"]],
    )


class ActivityDetails(Declared):
    """What a province writes when it schedules an activity."""

    campaign: CampaignId = Field(title="活动年度", description="The campaign.", examples=["2019"])
    kind: ActivityKind = Field(title="活动类型", examples=["education"])
    title: Text = Field(title="活动名称", examples=["质量月进社区"])
    venue_type: VenueType = Field(
        title="场所类型",
        description="Education is held in communities, campuses and townships; seminars and "
        "the launch ceremony anywhere.",
        examples=["community"],
    )
    venue_name: Text = Field(title="场所名称", examples=["朝阳社区"])
    city: Place = Field(title="市（地、州）", examples=["北京市"])
    county: Place = Field(title="县（市、区）", examples=["朝阳区"])
    scheduled_on: date = Field(
        title="计划日期", description="Within the campaign year.", examples=["2019-09-15"]
    )
    formats: tuple[EducationFormat, ...] = Field(
        default=(),
        max_length=4,
        title="宣传形式",
        description="Education activities only.",
        examples=[["materials", "consultation"]],
    )
    organizer: Text = Field(title="组织单位", examples=["北京市市场监管局"])


class ActivityRecord(ActivityDetails, Intake):
    """An activity as the service keeps and shows it."""

    id: str = Field(title="编号", examples=["act_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    province: ProvinceCode = Field(title="省份", examples=["110000"])
    status: ActivityStatus = Field(default=ActivityStatus.scheduled, title="状态")
    report: ActivityReport | None = Field(default=None, title="举办情况")
    cancel_reason: str | None = Field(default=None, title="取消原因")
    version: int = Field(default=1, title="版本", description="Raised by every change.")
