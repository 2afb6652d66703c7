"""A product-risk report from a monitoring point (NEISS-style coded case, Safety Gate hazards).

Its risk level is computed, never given: `triage.risk_level`. When its product reaches the
signal threshold in the campaign, the report is re-triaged once (signal raised to True).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sanjin_risk_monitoring.domain.point import MonitoringPoint, PointStatus
from sanjin_risk_monitoring.domain.triage import product_key, risk_level
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.monitoring import (
    RiskReportReceived,
    RiskReportRetriaged,
    RiskReportState,
)
from sanjin_shared.reference import HazardType, ProductCategory, RiskLevel, Severity, VenueType


@dataclass(frozen=True, slots=True)
class RiskReport:
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
    hazard_type: HazardType
    severity: Severity
    injured: bool
    victim_age: int | None
    victim_sex: str | None
    description: str
    external_id: str | None = None
    signal: bool = False
    version: int = 1
    events: tuple[DomainEvent, ...] = field(default=(), compare=False)

    @property
    def product_key(self) -> str:
        return product_key(self.product_category, self.brand, self.model)

    @property
    def risk_level(self) -> RiskLevel:
        return risk_level(self.severity, victim_age=self.victim_age, signal=self.signal)

    @classmethod
    def receive(
        cls, *, point: MonitoringPoint, today: date, signal: bool, **fields: object
    ) -> RiskReport:
        if point.status is not PointStatus.active:
            raise InvalidTransition(f"monitoring point {point.id} is inactive and cannot report")
        report = cls(
            province=point.province,
            monitoring_point_id=point.id,
            venue_type=point.venue_type,
            signal=signal,
            **fields,  # type: ignore[arg-type]
        )
        if report.occurred_on > today:
            raise RuleViolation("occurred_on", "occurred_on cannot be in the future")
        if report.injured and report.severity is Severity.none:
            raise RuleViolation("severity", "an injury has a severity above none")
        if report.severity is Severity.fatal and not report.injured:
            raise RuleViolation("injured", "a fatal outcome is an injury")
        return replace(report, events=(RiskReportReceived(report=report.state()),))

    def raise_signal(self) -> RiskReport:
        """Re-triage as part of a signal; a report is re-triaged at most once."""
        if self.signal:
            return replace(self, events=())
        changed = replace(self, signal=True, version=self.version + 1)
        return replace(changed, events=(RiskReportRetriaged(report=changed.state()),))

    def state(self) -> RiskReportState:
        return RiskReportState(
            id=self.id,
            province=self.province,
            campaign=self.campaign,
            monitoring_point_id=self.monitoring_point_id,
            venue_type=self.venue_type,
            occurred_on=self.occurred_on,
            product_category=self.product_category,
            product_name=self.product_name,
            brand=self.brand,
            model=self.model,
            product_key=self.product_key,
            hazard_type=self.hazard_type,
            severity=self.severity,
            injured=self.injured,
            victim_age=self.victim_age,
            victim_sex=self.victim_sex,
            risk_level=self.risk_level,
            signal=self.signal,
        )
