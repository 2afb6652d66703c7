"""Events of the `risk_monitoring` service: the monitoring-point register and risk reports."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from sanjin_shared.clock import beijing_date
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope, Upcaster
from sanjin_shared.reference import HazardType, ProductCategory, RiskLevel, Severity, VenueType
from sanjin_shared.topics import MONITORING


class EvaluationRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    evaluated_on: date
    score: int
    evaluator: str


class ActivePeriod(BaseModel):
    """A span of days the point was in use: from `since`, up to the day before `until` (the day
    it was deactivated), or still in use when `until` is None."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    since: date
    until: date | None = None


class MonitoringPointState(BaseModel):
    """A point of the register (Attachment 2 of the notice) after the change.

    A point belongs to its province, not to one campaign: `campaign` is the one it was registered
    in; `active` and `evaluations` (every one, with its date) say in which campaigns it counts.
    It carries the contact person and phone because headquarters' national register lists them;
    consumers must not log them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    province: str
    campaign: str
    name: str
    venue_type: VenueType
    city: str
    county: str
    address: str
    host_organization: str
    contact_name: str
    contact_phone: str
    established_on: date
    capabilities: list[str]
    status: str  # active | inactive
    evaluations: list[EvaluationRecord]  # in the order they were recorded
    active: list[ActivePeriod]  # in order
    deactivation_reason: str | None = None


def point_state_v1_to_v2(point: dict[str, Any], ended_on: date) -> dict[str, Any]:
    """Version 1 of the state carried the number of evaluations and the latest one, and the
    status without dates. Upcast, it keeps the latest evaluation (the earlier ones' dates were
    never published) and one period of use from `established_on`, ended on `ended_on` when the
    point is inactive."""
    point = dict(point)
    latest = point.pop("latest_evaluation", None)
    point.pop("evaluations", None)
    point["evaluations"] = [latest] if latest else []
    ended = None if point["status"] == "active" else ended_on.isoformat()
    point["active"] = [{"since": point["established_on"], "until": ended}]
    return point


def point_v1_to_v2(payload: dict[str, Any], envelope: EventEnvelope) -> dict[str, Any]:
    """An inactive point's period of use ends on the event's Beijing date: exact for
    `MonitoringPointDeactivated`, the latest possible day for the other events."""
    ended_on = beijing_date(envelope.time)
    return {**payload, "point": point_state_v1_to_v2(payload["point"], ended_on)}


class MonitoringPointEvent(DomainEvent):
    """Any event of a monitoring point: all carry the point's state after the change."""

    aggregate_type = "monitoring_point"
    topic = MONITORING.name
    schema_version = 2
    upcasters: ClassVar[dict[int, Upcaster]] = {1: point_v1_to_v2}

    point: MonitoringPointState

    def aggregate_id(self) -> str:
        return self.point.id


class MonitoringPointRegistered(MonitoringPointEvent):
    event_type = "MonitoringPointRegistered"


class MonitoringPointUpdated(MonitoringPointEvent):
    event_type = "MonitoringPointUpdated"


class MonitoringPointEvaluated(MonitoringPointEvent):
    event_type = "MonitoringPointEvaluated"


class MonitoringPointDeactivated(MonitoringPointEvent):
    event_type = "MonitoringPointDeactivated"


class MonitoringPointReactivated(MonitoringPointEvent):
    event_type = "MonitoringPointReactivated"


class RiskReportState(BaseModel):
    """A risk report after the change; without the free-text description (it may name people)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    province: str
    campaign: str
    monitoring_point_id: str
    venue_type: VenueType
    occurred_on: date
    product_category: ProductCategory
    product_name: str
    brand: str
    model: str
    product_key: str
    hazard_type: HazardType
    severity: Severity
    injured: bool
    victim_age: int | None
    victim_sex: str | None
    risk_level: RiskLevel
    signal: bool


class RiskReportEvent(DomainEvent):
    aggregate_type = "risk_report"
    topic = MONITORING.name

    report: RiskReportState

    def aggregate_id(self) -> str:
        return self.report.id


class RiskReportReceived(RiskReportEvent):
    event_type = "RiskReportReceived"


class RiskReportRetriaged(RiskReportEvent):
    """The product reached the signal threshold: the report's risk level was raised."""

    event_type = "RiskReportRetriaged"


class RiskSignalRaised(DomainEvent):
    """The same product was reported three times in a campaign (once per product and campaign)."""

    event_type = "RiskSignalRaised"
    aggregate_type = "product_signal"
    topic = MONITORING.name

    campaign: str
    product_key: str
    product_category: ProductCategory
    brand: str
    model: str
    report_ids: list[str]

    def aggregate_id(self) -> str:
        return f"{self.campaign}|{self.product_key}"
