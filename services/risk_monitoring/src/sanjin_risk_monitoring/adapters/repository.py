"""MongoDB storage of monitoring points, risk reports and product signal counters.

All of the service's queries live here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_risk_monitoring.domain.point import (
    Evaluation,
    MonitoringPoint,
    PointStatus,
    StatusChange,
)
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_shared.clock import beijing_date
from sanjin_shared.records import RecordRepository
from sanjin_shared.reference import HazardType, ProductCategory, Severity, VenueType

POINTS = "monitoring_points"
REPORTS = "risk_reports"
SIGNALS = "product_signals"


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    await PointRepository(db).ensure_indexes()
    await ReportRepository(db).ensure_indexes(
        IndexModel([("campaign", ASCENDING), ("product_key", ASCENDING)], name="by_product")
    )


# -- mapping ------------------------------------------------------------------------------------


def _point_doc(p: MonitoringPoint) -> dict[str, Any]:
    return {
        "_id": p.id,
        "province": p.province,
        "campaign": p.campaign,
        "name": p.name,
        "venue_type": p.venue_type.value,
        "city": p.city,
        "county": p.county,
        "address": p.address,
        "host_organization": p.host_organization,
        "contact_name": p.contact_name,
        "contact_phone": p.contact_phone,
        "established_on": p.established_on.isoformat(),
        "capabilities": list(p.capabilities),
        "external_id": p.external_id,
        "status": p.status.value,
        "evaluations": [
            {
                "evaluated_on": e.evaluated_on.isoformat(),
                "score": e.score,
                "evaluator": e.evaluator,
                "findings": e.findings,
            }
            for e in p.evaluations
        ],
        "deactivation_reason": p.deactivation_reason,
        "status_changes": [
            {"on": c.on.isoformat(), "status": c.status.value} for c in p.status_changes
        ],
        "version": p.version,
    }


def _status_changes(doc: dict[str, Any]) -> tuple[StatusChange, ...]:
    """A point stored before the days of its status changes were kept: an inactive one was
    deactivated at the latest on the day of its last change."""
    if "status_changes" in doc:
        return tuple(
            StatusChange(date.fromisoformat(c["on"]), PointStatus(c["status"]))
            for c in doc["status_changes"]
        )
    if doc["status"] == PointStatus.inactive.value and "updated_at" in doc:
        return (StatusChange(beijing_date(doc["updated_at"]), PointStatus.inactive),)
    return ()


def _point(doc: dict[str, Any]) -> MonitoringPoint:
    return MonitoringPoint(
        id=doc["_id"],
        province=doc["province"],
        campaign=doc["campaign"],
        name=doc["name"],
        venue_type=VenueType(doc["venue_type"]),
        city=doc["city"],
        county=doc["county"],
        address=doc["address"],
        host_organization=doc["host_organization"],
        contact_name=doc["contact_name"],
        contact_phone=doc["contact_phone"],
        established_on=date.fromisoformat(doc["established_on"]),
        capabilities=tuple(doc.get("capabilities") or ()),
        external_id=doc.get("external_id"),
        status=PointStatus(doc["status"]),
        evaluations=tuple(
            Evaluation(
                date.fromisoformat(e["evaluated_on"]), e["score"], e["evaluator"], e["findings"]
            )
            for e in doc.get("evaluations") or ()
        ),
        deactivation_reason=doc.get("deactivation_reason"),
        status_changes=_status_changes(doc),
        version=doc["version"],
    )


def _report_doc(r: RiskReport) -> dict[str, Any]:
    return {
        "_id": r.id,
        "province": r.province,
        "campaign": r.campaign,
        "monitoring_point_id": r.monitoring_point_id,
        "venue_type": r.venue_type.value,
        "occurred_on": r.occurred_on.isoformat(),
        "product_category": r.product_category.value,
        "product_name": r.product_name,
        "brand": r.brand,
        "model": r.model,
        "product_key": r.product_key,
        "hazard_type": r.hazard_type.value,
        "severity": r.severity.value,
        "injured": r.injured,
        "victim_age": r.victim_age,
        "victim_sex": r.victim_sex,
        "description": r.description,
        "external_id": r.external_id,
        "signal": r.signal,
        "risk_level": r.risk_level.value,  # stored for filtering; always recomputed from the rest
        "version": r.version,
    }


def _report(doc: dict[str, Any]) -> RiskReport:
    return RiskReport(
        id=doc["_id"],
        province=doc["province"],
        campaign=doc["campaign"],
        monitoring_point_id=doc["monitoring_point_id"],
        venue_type=VenueType(doc["venue_type"]),
        occurred_on=date.fromisoformat(doc["occurred_on"]),
        product_category=ProductCategory(doc["product_category"]),
        product_name=doc["product_name"],
        brand=doc["brand"],
        model=doc["model"],
        hazard_type=HazardType(doc["hazard_type"]),
        severity=Severity(doc["severity"]),
        injured=doc["injured"],
        victim_age=doc.get("victim_age"),
        victim_sex=doc.get("victim_sex"),
        description=doc.get("description", ""),
        external_id=doc.get("external_id"),
        signal=doc["signal"],
        version=doc["version"],
    )


class PointRepository(RecordRepository[MonitoringPoint]):
    collection = POINTS

    def to_doc(self, record: MonitoringPoint) -> dict[str, Any]:
        return _point_doc(record)

    def from_doc(self, doc: dict[str, Any]) -> MonitoringPoint:
        return _point(doc)


class ReportRepository(RecordRepository[RiskReport]):
    collection = REPORTS

    def to_doc(self, record: RiskReport) -> dict[str, Any]:
        return _report_doc(record)

    def from_doc(self, doc: dict[str, Any]) -> RiskReport:
        return _report(doc)

    async def same_product(
        self, campaign: str, key: str, *, session: AsyncClientSession
    ) -> list[RiskReport]:
        docs = self._col.find({"campaign": campaign, "product_key": key}, session=session)
        return [_report(d) async for d in docs]


class SignalCounter:
    """How many reports each product has in a campaign. The counter document is written in the
    report's transaction, so concurrent reports of one product serialise on it (a write
    conflict makes all but one retry), and exactly one of them sees the threshold reached."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[SIGNALS]

    async def increment(self, campaign: str, key: str, *, session: AsyncClientSession) -> int:
        doc = await self._col.find_one_and_update(
            {"_id": f"{campaign}|{key}"},
            {"$inc": {"reports": 1}, "$setOnInsert": {"campaign": campaign, "product_key": key}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return int(doc["reports"])
