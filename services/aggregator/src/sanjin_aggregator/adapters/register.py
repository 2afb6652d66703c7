"""The national register of monitoring points, as the aggregator keeps it from the events."""

from __future__ import annotations

from collections.abc import Sequence, Set
from typing import Any

from pymongo import ASCENDING, InsertOne, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.events.monitoring import MonitoringPointState


class RegisterStore:
    def __init__(self, db: AsyncDatabase[Any], *, prefix: str = "") -> None:
        self._points = db[f"{prefix}register_points"]

    async def ensure_indexes(self) -> None:
        await self._points.create_index(
            [("campaign", ASCENDING), ("province", ASCENDING)], name="by_campaign"
        )

    async def versions(self, ids: Sequence[str], session: AsyncClientSession) -> dict[str, int]:
        cursor = self._points.find({"_id": {"$in": list(ids)}}, {"version": 1}, session=session)
        return {d["_id"]: d["version"] async for d in cursor}

    async def replace(
        self,
        points: dict[str, tuple[int, MonitoringPointState]],
        session: AsyncClientSession,
        *,
        stored: Set[str],
    ) -> None:
        """`stored`: the points the transaction read as already stored; the others are inserted
        (cheaper than an upsert; a concurrent insert of the same point makes the transaction
        conflict and run again)."""
        if points:
            await self._points.bulk_write(
                [
                    ReplaceOne({"_id": pid}, {"version": v, **state.model_dump(mode="json")})
                    if pid in stored
                    else InsertOne({"_id": pid, "version": v, **state.model_dump(mode="json")})
                    for pid, (v, state) in points.items()
                ],
                ordered=False,
                session=session,
            )

    async def of_campaign(
        self, campaign: str, province: str | None = None
    ) -> list[MonitoringPointState]:
        query: dict[str, Any] = {"campaign": campaign}
        if province is not None:
            query["province"] = province
        docs = await self._points.find(query, {"_id": 0, "version": 0}).to_list()
        return [MonitoringPointState.model_validate(d) for d in docs]
