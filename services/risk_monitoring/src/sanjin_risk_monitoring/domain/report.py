"""A product-risk report from a monitoring point (NEISS-style coded case, Safety Gate hazards).

Its risk level is computed, never given: `triage.risk_level`. When its product reaches the
signal threshold in the campaign, the report is re-triaged once (signal raised to True).
"""

from __future__ import annotations

from datetime import date

from sanjin_risk_monitoring.domain.point import MonitoringPoint, PointStatus
from sanjin_risk_monitoring.domain.triage import product_key, risk_level
from sanjin_shared.declaration import state_of
from sanjin_shared.declarations.monitoring import ReportDetails, ReportRecord
from sanjin_shared.entity import Entity
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.monitoring import (
    RiskReportReceived,
    RiskReportRetriaged,
    RiskReportState,
)
from sanjin_shared.reference import RiskLevel, Severity


class RiskReport(ReportRecord, Entity):
    """A risk report: its declared fields (`ReportRecord`) and its triage."""

    @property
    def product_key(self) -> str:
        return product_key(self.product_category, self.brand, self.model)

    @property
    def risk_level(self) -> RiskLevel:
        return risk_level(self.severity, victim_age=self.victim_age, signal=self.signal)

    @classmethod
    def receive(
        cls,
        *,
        id: str,
        point: MonitoringPoint,
        details: ReportDetails,
        external_id: str | None,
        today: date,
        signal: bool,
    ) -> RiskReport:
        if point.status is not PointStatus.active:
            raise InvalidTransition(f"monitoring point {point.id} is inactive and cannot report")
        fields = {name: getattr(details, name) for name in ReportDetails.model_fields}
        report = cls.new(
            id=id,
            province=point.province,
            venue_type=point.venue_type,
            external_id=external_id,
            signal=signal,
            **(fields | {"monitoring_point_id": point.id}),
        )
        if report.occurred_on > today:
            raise RuleViolation(
                "occurred_on", "occurred_on cannot be in the future", zh="发生日期不能晚于今天"
            )
        if report.injured and report.severity is Severity.none:
            raise RuleViolation(
                "severity", "an injury has a severity above none", zh="受伤时伤害程度不能为“无”"
            )
        if report.severity is Severity.fatal and not report.injured:
            raise RuleViolation(
                "injured", "a fatal outcome is an injury", zh="伤害程度为“致命”时应选择受伤"
            )
        return report.raised(RiskReportReceived(report=report.state()))

    def raise_signal(self) -> RiskReport:
        """Re-triage as part of a signal; a report is re-triaged at most once."""
        if self.signal:
            return self.raised()
        changed = self.but(signal=True, version=self.version + 1)
        return changed.raised(RiskReportRetriaged(report=changed.state()))

    def state(self) -> RiskReportState:
        # the product key and the risk level are computed, not declared
        return state_of(
            RiskReportState, self, product_key=self.product_key, risk_level=self.risk_level
        )
