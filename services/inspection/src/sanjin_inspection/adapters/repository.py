"""MongoDB storage of inspection sessions, bookings and results. All of the service's queries
live here.

The capacity guarantee is made here, by the database: a booking takes a place with one
conditional update of the session document (`confirmed < capacity`, session scheduled), inside
the booking's transaction. Two requests racing for the last place, in one process or in two,
both try to write the same document; MongoDB lets one commit and makes the other retry (a write
conflict), and the retry finds the session full. No lock in any process is involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_inspection.domain.booking import Booking, BookingStatus, CancelledBy
from sanjin_inspection.domain.result import InspectionResult
from sanjin_inspection.domain.session import InspectionSession, SessionStatus
from sanjin_shared.errors import ConcurrentModification
from sanjin_shared.records import RecordRepository
from sanjin_shared.reference import (
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    VenueType,
)

SESSIONS = "inspection_sessions"
BOOKINGS = "bookings"
RESULTS = "inspection_results"
COUNTERS = ("confirmed", "waitlisted", "waitlist_seq", "results")


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    await SessionRepository(db).ensure_indexes(
        IndexModel([("campaign", ASCENDING), ("date", ASCENDING)], name="by_campaign_date")
    )
    await BookingRepository(db).ensure_indexes(
        IndexModel(
            [("session_id", ASCENDING), ("status", ASCENDING), ("waitlist_position", ASCENDING)],
            name="waitlist_order",
        ),
        IndexModel(
            [("session_id", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
            name="list_by_session",
        ),
        IndexModel(
            [("active_key", ASCENDING)],
            name="one_open_booking_per_consumer",
            unique=True,
            partialFilterExpression={"active_key": {"$type": "string"}},
        ),
    )
    await ResultRepository(db).ensure_indexes(
        IndexModel(
            [("session_id", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
            name="list_by_session",
        )
    )


# -- sessions -------------------------------------------------------------------------------------


class SessionRepository(RecordRepository[InspectionSession]):
    collection = SESSIONS

    def to_doc(self, s: InspectionSession) -> dict[str, Any]:
        return {
            "_id": s.id,
            "province": s.province,
            "campaign": s.campaign,
            "institution": s.institution,
            "venue_type": s.venue_type.value,
            "venue_name": s.venue_name,
            "city": s.city,
            "county": s.county,
            "date": s.date.isoformat(),
            "services": [x.value for x in s.services],
            "capacity": s.capacity,
            "external_id": s.external_id,
            "status": s.status.value,
            "cancellation_reason": s.cancellation_reason,
            "confirmed": s.confirmed,
            "waitlisted": s.waitlisted,
            "waitlist_seq": 0,
            "results": s.results,
            "version": s.version,
        }

    def from_doc(self, doc: dict[str, Any]) -> InspectionSession:
        return InspectionSession(
            id=doc["_id"],
            province=doc["province"],
            campaign=doc["campaign"],
            institution=doc["institution"],
            venue_type=VenueType(doc["venue_type"]),
            venue_name=doc["venue_name"],
            city=doc["city"],
            county=doc["county"],
            date=dt.date.fromisoformat(doc["date"]),
            services=tuple(InspectionService(x) for x in doc["services"]),
            capacity=doc["capacity"],
            external_id=doc.get("external_id"),
            status=SessionStatus(doc["status"]),
            cancellation_reason=doc.get("cancellation_reason"),
            confirmed=doc["confirmed"],
            waitlisted=doc["waitlisted"],
            results=doc["results"],
            version=doc["version"],
        )

    def saved_fields(self, record: InspectionSession, doc: dict[str, Any]) -> dict[str, Any]:
        """The counters are never overwritten from a read copy (a cancelled session has none)."""
        fields = {k: v for k, v in doc.items() if k not in COUNTERS}
        if record.status is SessionStatus.cancelled:
            fields |= {"confirmed": 0, "waitlisted": 0}
        return fields

    def save_guard(self, record: InspectionSession) -> dict[str, Any]:
        """The database refuses a capacity below the confirmed bookings it holds."""
        return {"confirmed": {"$lte": record.capacity}}

    async def take_place(self, session_id: str, *, session: AsyncClientSession) -> bool:
        """Confirm one more booking if a place is free: the capacity guarantee."""
        result = await self._col.update_one(
            {
                "_id": session_id,
                "status": SessionStatus.scheduled.value,
                "$expr": {"$lt": ["$confirmed", "$capacity"]},
            },
            {"$inc": {"confirmed": 1}},
            session=session,
        )
        return result.modified_count == 1

    async def join_waitlist(self, session_id: str, *, session: AsyncClientSession) -> int | None:
        """The next place in the session's waiting line (None: the session is not open)."""
        doc = await self._col.find_one_and_update(
            {"_id": session_id, "status": SessionStatus.scheduled.value},
            {"$inc": {"waitlisted": 1, "waitlist_seq": 1}},
            projection={"waitlist_seq": 1},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return int(doc["waitlist_seq"]) if doc else None

    async def adjust(
        self,
        session_id: str,
        *,
        confirmed: int = 0,
        waitlisted: int = 0,
        results: int = 0,
        session: AsyncClientSession,
    ) -> None:
        changes = {
            k: v
            for k, v in (("confirmed", confirmed), ("waitlisted", waitlisted), ("results", results))
            if v
        }
        if not changes:
            return
        guard: dict[str, Any] = {"_id": session_id}
        if confirmed > 0:  # promotions after a capacity change: never past capacity either
            guard["$expr"] = {"$lte": [{"$add": ["$confirmed", confirmed]}, "$capacity"]}
        result = await self._col.update_one(guard, {"$inc": changes}, session=session)
        if result.matched_count != 1:
            raise ConcurrentModification(f"the session {session_id}")


# -- bookings -------------------------------------------------------------------------------------


class BookingRepository(RecordRepository[Booking]):
    collection = BOOKINGS

    def to_doc(self, b: Booking) -> dict[str, Any]:
        return {
            "_id": b.id,
            "session_id": b.session_id,
            "province": b.province,
            "campaign": b.campaign,
            "venue_type": b.venue_type.value,
            "consumer_name": b.consumer_name,
            "consumer_phone": b.consumer_phone,
            "product_category": b.product_category.value,
            "service": b.service.value,
            "status": b.status.value,
            "waitlist_position": b.waitlist_position,
            "cancellation_reason": b.cancellation_reason.value if b.cancellation_reason else None,
            "active_key": b.active_key,
            "external_id": b.external_id,
            "version": b.version,
        }

    def from_doc(self, doc: dict[str, Any]) -> Booking:
        reason = doc.get("cancellation_reason")
        return Booking(
            id=doc["_id"],
            session_id=doc["session_id"],
            province=doc["province"],
            campaign=doc["campaign"],
            venue_type=VenueType(doc["venue_type"]),
            consumer_name=doc["consumer_name"],
            consumer_phone=doc["consumer_phone"],
            product_category=ProductCategory(doc["product_category"]),
            service=InspectionService(doc["service"]),
            status=BookingStatus(doc["status"]),
            waitlist_position=doc.get("waitlist_position"),
            cancellation_reason=CancelledBy(reason) if reason else None,
            external_id=doc.get("external_id"),
            version=doc["version"],
        )

    async def open_booking_of(
        self, active_key: str, *, session: AsyncClientSession
    ) -> Booking | None:
        doc = await self._col.find_one({"active_key": active_key}, session=session)
        return self.from_doc(doc) if doc else None

    async def first_waitlisted(
        self, session_id: str, count: int, *, session: AsyncClientSession
    ) -> list[Booking]:
        """The first `count` bookings in the session's waiting line, in order."""
        if count <= 0:
            return []
        docs = (
            await self._col.find(
                {"session_id": session_id, "status": BookingStatus.waitlisted.value},
                session=session,
            )
            .sort("waitlist_position", ASCENDING)
            .limit(count)
            .to_list()
        )
        return [self.from_doc(d) for d in docs]

    async def open_of_session(
        self, session_id: str, *, session: AsyncClientSession
    ) -> list[Booking]:
        docs = self._col.find(
            {
                "session_id": session_id,
                "status": {"$in": [BookingStatus.confirmed.value, BookingStatus.waitlisted.value]},
            },
            session=session,
        )
        return [self.from_doc(d) async for d in docs]

    async def save_all(
        self,
        changed: Sequence[tuple[Booking, int]],
        *,
        now: dt.datetime,
        session: AsyncClientSession,
    ) -> None:
        """Write changed bookings (with the versions they were read at) in one round trip."""
        if not changed:
            return
        ops = []
        for booking, expected_version in changed:
            doc = self.to_doc(booking)
            ops.append(
                UpdateOne(
                    {"_id": doc.pop("_id"), "version": expected_version},
                    {"$set": doc | {"updated_at": now}},
                )
            )
        result = await self._col.bulk_write(ops, ordered=False, session=session)
        if result.matched_count != len(ops):
            raise ConcurrentModification("a booking of the session")

    async def by_ids(
        self, ids: Sequence[str], *, session: AsyncClientSession | None = None
    ) -> dict[str, Booking]:
        docs = self._col.find({"_id": {"$in": list(ids)}}, session=session)
        return {d["_id"]: self.from_doc(d) async for d in docs}


# -- results --------------------------------------------------------------------------------------


class ResultRepository(RecordRepository[InspectionResult]):
    collection = RESULTS

    def to_doc(self, r: InspectionResult) -> dict[str, Any]:
        return {
            "_id": r.id,
            "session_id": r.session_id,
            "booking_id": r.booking_id,
            "province": r.province,
            "campaign": r.campaign,
            "venue_type": r.venue_type.value,
            "product_category": r.product_category.value,
            "service": r.service.value,
            "outcome": r.outcome.value,
            "external_id": r.external_id,
            "version": r.version,
        }

    def from_doc(self, doc: dict[str, Any]) -> InspectionResult:
        return InspectionResult(
            id=doc["_id"],
            session_id=doc["session_id"],
            booking_id=doc.get("booking_id"),
            province=doc["province"],
            campaign=doc["campaign"],
            venue_type=VenueType(doc["venue_type"]),
            product_category=ProductCategory(doc["product_category"]),
            service=InspectionService(doc["service"]),
            outcome=InspectionOutcome(doc["outcome"]),
            external_id=doc.get("external_id"),
            version=doc["version"],
        )

    async def by_external_ids(
        self, province: str, external_ids: Sequence[str], *, session: AsyncClientSession
    ) -> dict[str, tuple[str, str, str]]:
        """external id -> (result id, session id, fingerprint of the request that created it)."""
        docs = self._col.find(
            {"province": province, "external_id": {"$in": list(external_ids)}},
            {"_id": 1, "session_id": 1, "external_id": 1, "fingerprint": 1},
            session=session,
        )
        return {d["external_id"]: (d["_id"], d["session_id"], d["fingerprint"]) async for d in docs}
