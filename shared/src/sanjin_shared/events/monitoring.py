"""Events of the `risk_monitoring` service: the monitoring-point register and risk reports."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.reference import HazardType, ProductCategory, RiskLevel, Severity, VenueType
from sanjin_shared.topics import MONITORING


class LatestEvaluation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    evaluated_on: date
    score: int
    evaluator: str


class MonitoringPointState(BaseModel):
    """A point of the register (Attachment 2 of the notice) after the change.

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
    evaluations: int
    latest_evaluation: LatestEvaluation | None = None
    deactivation_reason: str | None = None


class MonitoringPointEvent(DomainEvent):
    """Any event of a monitoring point: all carry the point's state after the change."""

    aggregate_type = "monitoring_point"
    topic = MONITORING.name

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
