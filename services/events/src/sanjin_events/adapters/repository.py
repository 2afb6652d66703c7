"""MongoDB storage of activities. All of the service's queries live here."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_events.domain.activity import Activity, ActivityStatus
from sanjin_shared.filters import DateSpan, RecordFilter
from sanjin_shared.reference import ActivityKind, VenueType
from sanjin_shared.repository import RecordRepository, Stored

COLLECTION = "activities"


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    await ActivityRepository(db).ensure_indexes()


StoredActivity = Stored[Activity]


class ActivityFilter(RecordFilter):
    """Which activities a list shows: each field given narrows it."""

    province: str | None = None
    campaign: str | None = None
    kind: ActivityKind | None = None
    venue_type: VenueType | None = None
    status: ActivityStatus | None = None
    scheduled_on: DateSpan = DateSpan()


class ActivityRepository(RecordRepository[Activity]):
    collection = COLLECTION
    record_type = Activity

    async def by_external_ids(
        self, province: str, external_ids: list[str], *, session: AsyncClientSession | None = None
    ) -> dict[str, tuple[Activity, str]]:
        """external_id -> (activity, fingerprint of the request that last wrote it)."""
        docs = self._col.find(
            {"province": province, "external_id": {"$in": external_ids}}, session=session
        )
        return {d["external_id"]: (self.from_doc(d), d["fingerprint"]) async for d in docs}
