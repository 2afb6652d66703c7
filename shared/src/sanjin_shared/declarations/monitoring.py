"""The risk_monitoring service's records: the monitoring point of the register (Attachment 2 of
the notice) with its evaluations, and the risk report. Declared once; see
`sanjin_shared.declaration`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from sanjin_shared.api_types import CampaignId, Place, Text
from sanjin_shared.declaration import Declared
from sanjin_shared.declarations.common import Intake
from sanjin_shared.personal import PhoneNumber
from sanjin_shared.reference import (
    HazardType,
    LabelledEnum,
    ProductCategory,
    ProvinceCode,
    Severity,
    VenueType,
)

LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Capability = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ContactName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
PointId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PointStatus(LabelledEnum):
    active = ("active", "在用")
    inactive = ("inactive", "停用")


class VictimSex(LabelledEnum):
    female = ("female", "女")
    male = ("male", "男")
    unknown = ("unknown", "不详")


# -- the monitoring point ------------------------------------------------------------------------


class Evaluation(Declared):
    """An evaluation of a monitoring point (the latest counts)."""

    evaluated_on: date = Field(
        title="评估日期",
        description="Not in the future, nor before the point was established.",
        examples=["2019-10-08"],
    )
    score: int = Field(ge=0, le=100, title="评估得分", examples=[92])
    evaluator: Text = Field(title="评估单位", examples=["北京市市场监管局"])
    findings: LongText = Field(default="", title="评估意见", examples=["运行规范"])


class StatusChange(Declared):
    """A day the point was deactivated or reactivated: the periods it was in use derive from
    these (a point stands in every campaign during which it was in use)."""

    on: date = Field(title="日期", description="A Beijing date.", examples=["2026-10-01"])
    status: PointStatus = Field(title="状态")


class PointDetails(Declared):
    """What a province writes when it registers a monitoring point."""

    campaign: CampaignId = Field(title="活动年度", examples=["2019"])
    name: Text = Field(title="监测点名称", examples=["朝阳社区消费品质量安全监测点"])
    venue_type: VenueType = Field(title="场所类型", examples=["community"])
    city: Place = Field(title="市（地、州）", examples=["北京市"])
    county: Place = Field(title="县（市、区）", examples=["朝阳区"])
    address: Text = Field(title="地址", examples=["朝阳区建国路1号"])
    host_organization: Text = Field(title="依托单位", examples=["朝阳社区居委会"])
    contact_name: ContactName = Field(title="联系人", examples=["王芳"])
    contact_phone: PhoneNumber = Field(
        title="联系电话",
        description="A mainland mobile or landline number; shown in full only to the owning "
        "province and admin.",
        examples=["13800138000"],
    )
    established_on: date = Field(
        title="设立日期", description="Not in the future.", examples=["2019-09-01"]
    )
    capabilities: tuple[Capability, ...] = Field(
        default=(), max_length=20, title="监测能力", examples=[["儿童用品", "电器"]]
    )


class PointRecord(PointDetails, Intake):
    """A monitoring point as the service keeps it."""

    id: str = Field(title="编号", examples=["mp_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    province: ProvinceCode = Field(title="省份", examples=["110000"])
    status: PointStatus = Field(default=PointStatus.active, title="状态")
    evaluations: tuple[Evaluation, ...] = Field(default=(), title="评估记录")
    deactivation_reason: str | None = Field(default=None, title="停用原因")
    status_changes: tuple[StatusChange, ...] = Field(default=(), title="停用与恢复记录")
    version: int = Field(default=1, title="版本", description="Raised by every change.")


# -- the risk report --------------------------------------------------------------------------------


class ReportDetails(Declared):
    """What a monitoring point reports (a NEISS-style coded case)."""

    monitoring_point_id: PointId = Field(
        title="监测点编号",
        description="An active monitoring point of the province.",
        examples=["mp_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"],
    )
    campaign: CampaignId = Field(title="活动年度", examples=["2019"])
    occurred_on: date = Field(
        title="发生日期", description="Not in the future.", examples=["2019-10-02"]
    )
    product_category: ProductCategory = Field(title="产品类别", examples=["toys"])
    product_name: Text = Field(title="产品名称", examples=["电动玩具车"])
    brand: Text = Field(title="品牌", examples=["乐乐"])
    model: Text = Field(title="型号", examples=["LL-200"])
    hazard_type: HazardType = Field(title="危害类型", examples=["injuries"])
    severity: Severity = Field(title="伤害程度", examples=["minor"])
    injured: bool = Field(title="是否受伤", examples=[True])
    victim_age: int | None = Field(default=None, ge=0, le=120, title="受害者年龄", examples=[6])
    victim_sex: VictimSex | None = Field(default=None, title="受害者性别", examples=["female"])
    description: LongText = Field(
        default="",
        title="情况描述",
        description="Free text; never put in events (it may name people).",
        examples=["玩具车电池仓发热"],
    )


class ReportRecord(ReportDetails, Intake):
    """A risk report as the service keeps it (its risk level is computed, never given)."""

    id: str = Field(title="编号", examples=["rr_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    province: ProvinceCode = Field(title="省份", examples=["110000"])
    venue_type: VenueType = Field(title="场所类型", description="The monitoring point's.")
    signal: bool = Field(
        default=False, title="风险信号", description="The product reached 3 reports in the campaign"
    )
    version: int = Field(default=1, title="版本", description="Raised by every change.")
