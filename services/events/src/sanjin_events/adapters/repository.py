"""MongoDB storage of activities. All of the service's queries live here."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_events.domain.activity import Activity, ActivityStatus, Report
from sanjin_shared.records import RecordRepository, Stored
from sanjin_shared.reference import ActivityKind, EducationFormat, VenueType

COLLECTION = "activities"


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    await ActivityRepository(db).ensure_indexes()


def _to_doc(activity: Activity) -> dict[str, Any]:
    report = None
    if activity.report is not None:
        report = asdict(activity.report)
        report["held_on"] = activity.report.held_on.isoformat()
        report["recommendations"] = list(activity.report.recommendations)
    return {
        "_id": activity.id,
        "province": activity.province,
        "campaign": activity.campaign,
        "kind": activity.kind.value,
        "title": activity.title,
        "venue_type": activity.venue_type.value,
        "venue_name": activity.venue_name,
        "city": activity.city,
        "county": activity.county,
        "scheduled_on": activity.scheduled_on.isoformat(),
        "organizer": activity.organizer,
        "formats": [f.value for f in activity.formats],
        "external_id": activity.external_id,
        "status": activity.status.value,
        "report": report,
        "cancel_reason": activity.cancel_reason,
        "version": activity.version,
    }


def _from_doc(doc: dict[str, Any]) -> Activity:
    report = None
    if doc.get("report"):
        r = dict(doc["report"])
        report = Report(
            held_on=date.fromisoformat(r["held_on"]),
            participants=r["participants"],
            materials_distributed=r["materials_distributed"],
            consultations=r["consultations"],
            comparison_items_displayed=r["comparison_items_displayed"],
            video_showings=r["video_showings"],
            media_reports=r["media_reports"],
            recommendations=tuple(r.get("recommendations") or ()),
        )
    return Activity(
        id=doc["_id"],
        province=doc["province"],
        campaign=doc["campaign"],
        kind=ActivityKind(doc["kind"]),
        title=doc["title"],
        venue_type=VenueType(doc["venue_type"]),
        venue_name=doc["venue_name"],
        city=doc["city"],
        county=doc["county"],
        scheduled_on=date.fromisoformat(doc["scheduled_on"]),
        organizer=doc["organizer"],
        formats=tuple(EducationFormat(f) for f in doc.get("formats") or ()),
        external_id=doc.get("external_id"),
        status=ActivityStatus(doc["status"]),
        report=report,
        cancel_reason=doc.get("cancel_reason"),
        version=doc["version"],
    )


StoredActivity = Stored[Activity]


class ActivityRepository(RecordRepository[Activity]):
    collection = COLLECTION

    def to_doc(self, record: Activity) -> dict[str, Any]:
        return _to_doc(record)

    def from_doc(self, doc: dict[str, Any]) -> Activity:
        return _from_doc(doc)

    async def by_external_ids(
        self, province: str, external_ids: list[str], *, session: AsyncClientSession | None = None
    ) -> dict[str, tuple[Activity, str]]:
        """external_id -> (activity, fingerprint of the request that last wrote it)."""
        docs = self._col.find(
            {"province": province, "external_id": {"$in": external_ids}}, session=session
        )
        return {d["external_id"]: (_from_doc(d), d["fingerprint"]) async for d in docs}
