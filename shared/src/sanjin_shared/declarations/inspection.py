"""The inspection service's records: the session of free testing, certification advice,
consultation and genuine-vs-fake identification (activity 3 of the notice), a consumer's booking
of a place at it, and the result of one sample or consultation. Declared once; see
`sanjin_shared.declaration`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints

from sanjin_shared.api_types import CampaignId, ExternalId, Place, Text
from sanjin_shared.declaration import Declared
from sanjin_shared.declarations.common import Intake, external_id_field
from sanjin_shared.personal import PersonName, PhoneNumber
from sanjin_shared.reference import (
    InspectionOutcome,
    InspectionService,
    LabelledEnum,
    ProductCategory,
    ProvinceCode,
    VenueType,
)

MAX_CAPACITY = 10_000
RecordId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class SessionStatus(LabelledEnum):
    scheduled = ("scheduled", "已安排")
    cancelled = ("cancelled", "已取消")


class BookingStatus(LabelledEnum):
    confirmed = ("confirmed", "已确认")
    waitlisted = ("waitlisted", "候补")
    cancelled = ("cancelled", "已取消")


class CancelledBy(LabelledEnum):
    consumer = ("consumer", "消费者取消")
    session_cancelled = ("session_cancelled", "活动取消")


# -- the session ------------------------------------------------------------------------------------


class SessionDetails(Declared):
    """What a province writes when it schedules a session."""

    campaign: CampaignId = Field(title="活动年度", examples=["2019"])
    institution: Text = Field(
        title="技术机构",
        description="The technical institution holding the session",
        examples=["北京市产品质量监督检验院"],
    )
    venue_type: VenueType = Field(title="场所类型", examples=["community"])
    venue_name: Text = Field(title="场所名称", examples=["朝阳社区"])
    city: Place = Field(title="市（地、州）", examples=["北京市"])
    county: Place = Field(title="县（市、区）", examples=["朝阳区"])
    date: dt.date = Field(
        title="活动日期", description="Beijing date of the session", examples=["2019-09-20"]
    )
    services: tuple[InspectionService, ...] = Field(
        min_length=1, max_length=4, title="服务项目", examples=[["testing", "authentication"]]
    )
    capacity: int = Field(
        ge=1, le=MAX_CAPACITY, title="可预约名额", description="Bookable places", examples=[50]
    )


class SessionRecord(SessionDetails, Intake):
    """A session as the service keeps it. The counters are kept by the database: bookings and
    results change them with conditional updates in their own transactions."""

    id: str = Field(title="编号", examples=["is_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    province: ProvinceCode = Field(title="省份", examples=["110000"])
    status: SessionStatus = Field(default=SessionStatus.scheduled, title="状态")
    cancellation_reason: str | None = Field(default=None, title="取消原因")
    confirmed: int = Field(
        default=0, title="已确认预约", description="Confirmed bookings (never more than capacity)"
    )
    waitlisted: int = Field(default=0, title="候补预约", description="Bookings waiting for a place")
    results: int = Field(default=0, title="已录入结果", description="Results recorded")
    version: int = Field(default=1, title="版本", description="Raised by every change.")


# -- the booking ------------------------------------------------------------------------------------


class BookingDetails(Declared):
    """What a consumer's booking says (personal data: the name and phone never leave the
    inspection service, and are shown in full only to the owning province and admin)."""

    consumer_name: PersonName = Field(title="消费者姓名", examples=["张三"])
    consumer_phone: PhoneNumber = Field(title="消费者电话", examples=["13800138000"])
    product_category: ProductCategory = Field(title="产品类别", examples=["toys"])
    service: InspectionService = Field(title="服务项目", examples=["testing"])


class BookingRecord(BookingDetails):
    """A booking as the service keeps it."""

    id: str = Field(title="编号", examples=["bk_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    session_id: str = Field(title="活动编号")
    province: ProvinceCode = Field(title="省份", examples=["110000"])
    campaign: str = Field(title="活动年度", examples=["2019"])
    venue_type: VenueType = Field(title="场所类型", description="The session's.")
    status: BookingStatus = Field(title="状态")
    waitlist_position: int | None = Field(
        default=None,
        title="候补顺序",
        description="Order in the session's waiting line (promotion is first in, first out)",
    )
    cancellation_reason: CancelledBy | None = Field(default=None, title="取消原因")
    external_id: ExternalId | None = external_id_field()
    version: int = Field(default=1, title="版本", description="Raised by every change.")


# -- the result -------------------------------------------------------------------------------------


class ResultDetails(Declared):
    """What a session's institution records of one sample or consultation."""

    product_category: ProductCategory = Field(title="产品类别", examples=["toys"])
    service: InspectionService = Field(title="服务项目", examples=["testing"])
    outcome: InspectionOutcome = Field(
        title="结果",
        description="testing: pass | fail; authentication: genuine | counterfeit | "
        "inconclusive; certification, consultation: served",
        examples=["pass"],
    )
    booking_id: RecordId | None = Field(
        default=None,
        title="预约编号",
        description="A confirmed booking of the same session and service.",
    )


class ResultRecord(ResultDetails):
    """A result as the service keeps it (recorded once, never changed)."""

    id: str = Field(title="编号", examples=["ir_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    session_id: str = Field(title="活动编号")
    province: ProvinceCode = Field(title="省份", examples=["110000"])
    campaign: str = Field(title="活动年度", examples=["2019"])
    venue_type: VenueType = Field(title="场所类型", description="The session's.")
    external_id: ExternalId | None = external_id_field()
    version: int = Field(default=1, title="版本", description="Raised by every change.")
