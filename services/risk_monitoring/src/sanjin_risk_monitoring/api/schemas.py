"""Request and response bodies of the risk_monitoring API (docs/api.md, risk_monitoring): the
commands and the declared records (`sanjin_shared.declarations.monitoring`), under the names
the API documents."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import Field

from sanjin_risk_monitoring.domain.commands import (
    DeactivatePoint,
    EvaluatePoint,
    ReceiveReport,
    RegisterPoint,
    UpdatePoint,
)
from sanjin_risk_monitoring.domain.point import MonitoringPoint
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_risk_monitoring.domain.signal import RiskSignal
from sanjin_shared.api_types import Page
from sanjin_shared.auth import Principal
from sanjin_shared.declaration import Shown
from sanjin_shared.declarations.monitoring import Evaluation, PointRecord, ReportRecord
from sanjin_shared.personal import mask_phone, sees_personal_data
from sanjin_shared.reference import RiskLevel
from sanjin_shared.repository import Stored


class PointCreate(RegisterPoint):
    """A monitoring point to register."""


class PointUpdate(UpdatePoint):
    """The fields to change; the others keep their values."""


class EvaluationIn(EvaluatePoint):
    """An evaluation of the point."""


class DeactivateIn(DeactivatePoint):
    """Why the point is deactivated."""


class EvaluationOut(Evaluation, Shown):
    """An evaluation of a point."""


class PointOut(PointRecord, Shown):
    """A monitoring point as the service keeps it."""

    # personal data: the phone is shown masked to all but the owning province and admin, so the
    # answer's field is text, not the declared phone number (meaning differs)
    contact_phone: str = Field(
        title="联系电话",
        description="Masked (138****5678) unless the caller is the owning province, hq or admin",
    )
    evaluations: tuple[EvaluationOut, ...] = Field(title="评估记录")
    latest_evaluation: EvaluationOut | None = Field(
        title="最近评估", description="The latest by date; of two on one day, the later recorded."
    )
    created_at: datetime = Field(title="创建时间")
    updated_at: datetime = Field(title="更新时间")

    @classmethod
    def shown_to(cls, principal: Principal, stored: Stored[MonitoringPoint]) -> Self:
        """The point as `principal` sees it: its contact is the institutional contact Attachment 2
        collects for headquarters, so hq reads it in full (`sees_personal_data`)."""
        full = sees_personal_data(principal, stored.record.province, collected_for_hq=True)
        return cls.of(stored, full_phone=full)

    @classmethod
    def of(cls, stored: Stored[MonitoringPoint], *, full_phone: bool) -> Self:
        p = stored.record
        latest = p.latest_evaluation
        return cls.model_validate(
            p.model_dump()
            | {
                "contact_phone": p.contact_phone if full_phone else mask_phone(p.contact_phone),
                "latest_evaluation": latest.model_dump() if latest else None,
                "created_at": stored.created_at,
                "updated_at": stored.updated_at,
            }
        )


class PointList(Page[PointOut]):
    """A page of monitoring points."""


class ReportCreate(ReceiveReport):
    """A risk report to receive."""


class ReportOut(ReportRecord, Shown):
    """A risk report as the service keeps it."""

    risk_level: RiskLevel = Field(
        title="风险等级", description="Computed by the triage of BRIEF.md, never given"
    )
    created_at: datetime = Field(title="创建时间")
    updated_at: datetime = Field(title="更新时间")

    @classmethod
    def of(cls, stored: Stored[RiskReport]) -> Self:
        r = stored.record
        return cls.model_validate(
            r.model_dump()
            | {
                "risk_level": r.risk_level,
                "created_at": stored.created_at,
                "updated_at": stored.updated_at,
            }
        )


class ReportList(Page[ReportOut]):
    """A page of risk reports."""


class SignalOut(RiskSignal):
    """A risk signal: a product reported three times or more in a campaign."""


class SignalList(Page[SignalOut]):
    """A page of the risk signals raised, the most recent first."""
