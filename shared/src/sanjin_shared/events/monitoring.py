"""Events of the `risk_monitoring` service: the monitoring-point register and risk reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sanjin_shared.declaration import event_state
from sanjin_shared.declarations.monitoring import Evaluation, PointRecord, ReportRecord
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.reference import ProductCategory, RiskLevel
from sanjin_shared.topics import MONITORING

# The states the events carry, derived from the declarations (names, bare types): for the type
# checker they are the declarations.
if TYPE_CHECKING:
    LatestEvaluation = Evaluation
    MonitoringPointState = PointRecord
    RiskReportState = ReportRecord
else:
    LatestEvaluation = event_state(
        "LatestEvaluation", Evaluation, ("evaluated_on", "score", "evaluator"), doc=None
    )
    MonitoringPointState = event_state(
        "MonitoringPointState",
        PointRecord,
        (
            "id", "province", "campaign", "name", "venue_type", "city", "county", "address",
            "host_organization", "contact_name", "contact_phone", "established_on",
            "capabilities", "status", "evaluations", "latest_evaluation", "deactivation_reason",
        ),
        doc="A point of the register (Attachment 2 of the notice) after the change.\n\n"
        "It carries the contact person and phone because headquarters' national register lists "
        "them;\nconsumers must not log them.",
        optional=("latest_evaluation", "deactivation_reason"),
        # the event counts the evaluations and carries the latest; the status is text
        types={
            "province": str,
            "status": str,
            "evaluations": int,
            "latest_evaluation": LatestEvaluation | None,
        },
    )  # fmt: skip
    RiskReportState = event_state(
        "RiskReportState",
        ReportRecord,
        (
            "id", "province", "campaign", "monitoring_point_id", "venue_type", "occurred_on",
            "product_category", "product_name", "brand", "model", "product_key", "hazard_type",
            "severity", "injured", "victim_age", "victim_sex", "risk_level", "signal",
        ),
        doc="A risk report after the change; without the free-text description (it may name "
        "people).",
        # the product key and the risk level are computed by the domain
        types={
            "province": str,
            "monitoring_point_id": str,
            "victim_sex": str | None,
            "product_key": str,
            "risk_level": RiskLevel,
        },
    )  # fmt: skip


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
