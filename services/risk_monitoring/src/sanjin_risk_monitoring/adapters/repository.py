"""MongoDB storage of monitoring points, risk reports and product signal counters.

All of the service's queries live here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_risk_monitoring.domain.point import Evaluation, MonitoringPoint, PointStatus
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_shared.idempotency import PriorRecord
from sanjin_shared.pagination import after_cursor
from sanjin_shared.reference import HazardType, ProductCategory, Severity, VenueType

POINTS = "monitoring_points"
REPORTS = "risk_reports"
SIGNALS = "product_signals"


class ConcurrentModification(Exception):
    pass


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    for name in (POINTS, REPORTS):
        await db[name].create_indexes(
            [
                IndexModel(
                    [("province", ASCENDING), ("external_id", ASCENDING)],
                    name="external_id_per_province",
                    unique=True,
                    partialFilterExpression={"external_id": {"$type": "string"}},
                ),
                IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)], name="list_order"),
                IndexModel(
                    [("province", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
                    name="list_by_province",
                ),
            ]
        )
    await db[REPORTS].create_index(
        [("campaign", ASCENDING), ("product_key", ASCENDING)], name="by_product"
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
        "version": p.version,
    }


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


class Stored:
    """A record with the bookkeeping the API shows."""

    def __init__(self, record: Any, created_at: datetime, updated_at: datetime) -> None:
        self.record = record
        self.created_at = created_at
        self.updated_at = updated_at


# -- repositories -------------------------------------------------------------------------------


class _Repository:
    collection: str
    to_doc: Any
    from_doc: Any

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[self.collection]

    async def add(
        self, record: Any, *, fingerprint: str, now: datetime, session: AsyncClientSession
    ) -> None:
        doc = type(self).to_doc(record) | {
            "fingerprint": fingerprint,
            "created_at": now,
            "updated_at": now,
        }
        await self._col.insert_one(doc, session=session)

    async def save(
        self, record: Any, *, expected_version: int, now: datetime, session: AsyncClientSession
    ) -> None:
        doc = type(self).to_doc(record)
        doc.pop("_id")
        result = await self._col.update_one(
            {"_id": record.id, "version": expected_version},
            {"$set": doc | {"updated_at": now}},
            session=session,
        )
        if result.matched_count != 1:
            raise ConcurrentModification(record.id)

    async def get(
        self, record_id: str, *, session: AsyncClientSession | None = None
    ) -> Stored | None:
        doc = await self._col.find_one({"_id": record_id}, session=session)
        return (
            Stored(type(self).from_doc(doc), doc["created_at"], doc["updated_at"]) if doc else None
        )

    async def prior_by_external_id(
        self, province: str, external_id: str, *, session: AsyncClientSession
    ) -> PriorRecord | None:
        doc = await self._col.find_one(
            {"province": province, "external_id": external_id},
            {"_id": 1, "fingerprint": 1},
            session=session,
        )
        return PriorRecord(doc["_id"], doc["fingerprint"]) if doc else None

    async def list(self, query: dict[str, Any], *, cursor: str | None, limit: int) -> list[Stored]:
        docs = (
            await self._col.find(query | after_cursor(cursor))
            .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
            .to_list()
        )
        return [Stored(type(self).from_doc(d), d["created_at"], d["updated_at"]) for d in docs]


class PointRepository(_Repository):
    collection = POINTS
    to_doc = staticmethod(_point_doc)
    from_doc = staticmethod(_point)


class ReportRepository(_Repository):
    collection = REPORTS
    to_doc = staticmethod(_report_doc)
    from_doc = staticmethod(_report)

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
