"""MongoDB storage of activities. All of the service's queries live here."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_events.domain.activity import Activity, ActivityStatus, Report
from sanjin_shared.idempotency import PriorRecord
from sanjin_shared.pagination import after_cursor
from sanjin_shared.reference import ActivityKind, EducationFormat, VenueType

COLLECTION = "activities"


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    await db[COLLECTION].create_indexes(
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


class StoredActivity:
    """An activity with the bookkeeping the API shows (timestamps)."""

    def __init__(self, activity: Activity, created_at: datetime, updated_at: datetime) -> None:
        self.activity = activity
        self.created_at = created_at
        self.updated_at = updated_at


def _stored(doc: dict[str, Any]) -> StoredActivity:
    return StoredActivity(_from_doc(doc), doc["created_at"], doc["updated_at"])


class ActivityRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[COLLECTION]

    async def add(
        self,
        activity: Activity,
        *,
        fingerprint: str,
        now: datetime,
        session: AsyncClientSession,
    ) -> None:
        doc = _to_doc(activity) | {"fingerprint": fingerprint, "created_at": now, "updated_at": now}
        await self._col.insert_one(doc, session=session)

    async def add_many(
        self,
        activities: list[tuple[Activity, str]],
        *,
        now: datetime,
        session: AsyncClientSession,
    ) -> None:
        """Insert new activities with their request fingerprints, in one round trip."""
        if activities:
            await self._col.insert_many(
                [
                    _to_doc(a) | {"fingerprint": fp, "created_at": now, "updated_at": now}
                    for a, fp in activities
                ],
                ordered=True,
                session=session,
            )

    async def by_external_ids(
        self, province: str, external_ids: list[str], *, session: AsyncClientSession | None = None
    ) -> dict[str, tuple[Activity, str]]:
        """external_id -> (activity, fingerprint of the request that last wrote it)."""
        docs = self._col.find(
            {"province": province, "external_id": {"$in": external_ids}}, session=session
        )
        return {d["external_id"]: (_from_doc(d), d["fingerprint"]) async for d in docs}

    async def save(
        self,
        activity: Activity,
        *,
        expected_version: int,
        now: datetime,
        session: AsyncClientSession,
        fingerprint: str | None = None,
    ) -> None:
        """Write a changed activity; the version filter guards against lost updates."""
        doc = _to_doc(activity)
        doc.pop("_id")
        if fingerprint is not None:
            doc["fingerprint"] = fingerprint
        result = await self._col.update_one(
            {"_id": activity.id, "version": expected_version},
            {"$set": doc | {"updated_at": now}},
            session=session,
        )
        if result.matched_count != 1:
            raise ConcurrentModification(activity.id)

    async def get(
        self, activity_id: str, *, session: AsyncClientSession | None = None
    ) -> StoredActivity | None:
        doc = await self._col.find_one({"_id": activity_id}, session=session)
        return _stored(doc) if doc else None

    async def prior_by_external_id(
        self, province: str, external_id: str, *, session: AsyncClientSession
    ) -> PriorRecord | None:
        doc = await self._col.find_one(
            {"province": province, "external_id": external_id},
            {"_id": 1, "fingerprint": 1},
            session=session,
        )
        return PriorRecord(doc["_id"], doc["fingerprint"]) if doc else None

    async def list(
        self,
        *,
        province: str | None,
        campaign: str | None,
        kind: str | None,
        venue_type: str | None,
        status: str | None,
        scheduled_from: date | None,
        scheduled_to: date | None,
        cursor: str | None,
        limit: int,
    ) -> list[StoredActivity]:
        query: dict[str, Any] = {}
        for key, value in (
            ("province", province),
            ("campaign", campaign),
            ("kind", kind),
            ("venue_type", venue_type),
            ("status", status),
        ):
            if value is not None:
                query[key] = value
        if scheduled_from or scheduled_to:
            span: dict[str, str] = {}
            if scheduled_from:
                span["$gte"] = scheduled_from.isoformat()
            if scheduled_to:
                span["$lte"] = scheduled_to.isoformat()
            query["scheduled_on"] = span
        query |= after_cursor(cursor)
        docs = (
            await self._col.find(query)
            .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
            .to_list()
        )
        return [_stored(d) for d in docs]


class ConcurrentModification(Exception):
    """Another writer changed the activity first; the transaction is retried or reported."""
