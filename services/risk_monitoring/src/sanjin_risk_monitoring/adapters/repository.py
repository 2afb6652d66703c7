"""MongoDB storage of monitoring points, risk reports and product signal counters.

All of the service's queries live here.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_risk_monitoring.domain.point import MonitoringPoint, PointStatus
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_shared.clock import beijing_date
from sanjin_shared.filters import DateSpan, RecordFilter
from sanjin_shared.reference import HazardType, ProductCategory, RiskLevel, VenueType
from sanjin_shared.repository import RecordRepository, Stored

POINTS = "monitoring_points"
REPORTS = "risk_reports"
SIGNALS = "product_signals"


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    await PointRepository(db).ensure_indexes()
    await ReportRepository(db).ensure_indexes(
        IndexModel([("campaign", ASCENDING), ("product_key", ASCENDING)], name="by_product"),
        IndexModel([("signal", ASCENDING), ("campaign", ASCENDING)], name="by_signal"),
    )


class PointFilter(RecordFilter):
    """Which monitoring points a list shows: each field given narrows it."""

    campaign: str | None = None
    venue_type: VenueType | None = None
    status: PointStatus | None = None


class ReportFilter(RecordFilter):
    """Which risk reports a list shows: each field given narrows it."""

    campaign: str | None = None
    venue_type: VenueType | None = None
    product_category: ProductCategory | None = None
    hazard_type: HazardType | None = None
    risk_level: RiskLevel | None = None
    monitoring_point_id: str | None = None
    product_key: str | None = None
    occurred_on: DateSpan = DateSpan()


class PointRepository(RecordRepository[MonitoringPoint]):
    collection = POINTS
    record_type = MonitoringPoint

    def from_doc(self, doc: dict[str, Any]) -> MonitoringPoint:
        if "status_changes" not in doc:
            doc = doc | {"status_changes": legacy_status_changes(doc)}
        return super().from_doc(doc)


def legacy_status_changes(doc: dict[str, Any]) -> list[dict[str, str]]:
    """A point stored before the days of its status changes were kept: an inactive one was
    deactivated at the latest on the (Beijing) day of its last change, so it stands in no
    campaign after that day."""
    if doc.get("status") == PointStatus.inactive.value and "updated_at" in doc:
        day = beijing_date(doc["updated_at"])
        return [{"on": day.isoformat(), "status": PointStatus.inactive.value}]
    return []


class ReportRepository(RecordRepository[RiskReport]):
    collection = REPORTS
    record_type = RiskReport

    def to_doc(self, record: RiskReport) -> dict[str, Any]:
        # the product key and the risk level are computed; they are stored to be queried by
        # (the signal counter, the list filter), and always computed again from the rest
        return super().to_doc(record) | {
            "product_key": record.product_key,
            "risk_level": record.risk_level.value,
        }

    async def same_product(
        self, campaign: str, key: str, *, session: AsyncClientSession
    ) -> list[RiskReport]:
        docs = self._col.find({"campaign": campaign, "product_key": key}, session=session)
        return [self.from_doc(d) async for d in docs]

    async def signalled(self, campaign: str | None) -> list[Stored[RiskReport]]:
        """Every report of a signalled product, of one campaign or of all."""
        query: dict[str, Any] = {"signal": True}
        if campaign is not None:
            query["campaign"] = campaign
        docs = self._col.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)])
        return [self.stored(d) async for d in docs]


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
        assert doc is not None  # an upsert returning the document after it always finds one
        return int(doc["reports"])
