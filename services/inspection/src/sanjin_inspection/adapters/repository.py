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

from sanjin_inspection.domain.booking import Booking, BookingStatus
from sanjin_inspection.domain.result import InspectionResult
from sanjin_inspection.domain.session import InspectionSession, SessionStatus
from sanjin_shared.errors import ConcurrentModification
from sanjin_shared.filters import DateSpan, RecordFilter
from sanjin_shared.reference import (
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    VenueType,
)
from sanjin_shared.repository import RecordRepository

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


# -- list filters -----------------------------------------------------------------------------------


class SessionFilter(RecordFilter):
    """Which sessions a list shows: each field given narrows it."""

    campaign: str | None = None
    venue_type: VenueType | None = None
    services: InspectionService | None = None  # sessions that offer this service
    status: SessionStatus | None = None
    date: DateSpan = DateSpan()


class BookingFilter(RecordFilter):
    """Which bookings of a session a list shows."""

    session_id: str
    status: BookingStatus | None = None
    service: InspectionService | None = None


class ResultFilter(RecordFilter):
    """Which results a list shows (of one session, or across sessions)."""

    session_id: str | None = None
    campaign: str | None = None
    venue_type: VenueType | None = None
    service: InspectionService | None = None
    outcome: InspectionOutcome | None = None
    product_category: ProductCategory | None = None


# -- sessions -------------------------------------------------------------------------------------


class SessionRepository(RecordRepository[InspectionSession]):
    collection = SESSIONS
    record_type = InspectionSession

    def to_doc(self, record: InspectionSession) -> dict[str, Any]:
        # the waiting line's sequence is the database's own counter: it starts with the session
        return super().to_doc(record) | {"waitlist_seq": 0}

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
    record_type = Booking

    def to_doc(self, record: Booking) -> dict[str, Any]:
        # the key of an open booking is derived, stored for its unique index (one open booking
        # per consumer, session and service)
        return super().to_doc(record) | {"active_key": record.active_key}

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
    record_type = InspectionResult

    async def external_ids_of_session(self, session_id: str) -> dict[str, str]:
        """external id -> id of a session's results that have one (what a workbook compares)."""
        docs = self._col.find(
            {"session_id": session_id, "external_id": {"$type": "string"}},
            {"_id": 1, "external_id": 1},
        )
        return {d["external_id"]: d["_id"] async for d in docs}

    async def by_external_ids(
        self,
        province: str,
        external_ids: Sequence[str],
        *,
        session: AsyncClientSession | None,
    ) -> dict[str, tuple[str, str, str]]:
        """external id -> (result id, session id, fingerprint of the request that created it)."""
        docs = self._col.find(
            {"province": province, "external_id": {"$in": list(external_ids)}},
            {"_id": 1, "session_id": 1, "external_id": 1, "fingerprint": 1},
            session=session,
        )
        return {d["external_id"]: (d["_id"], d["session_id"], d["fingerprint"]) async for d in docs}
