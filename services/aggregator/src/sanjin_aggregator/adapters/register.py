"""The national register of monitoring points, as the aggregator keeps it from the events: the
newest state of each point (the current event version), whatever campaign it was registered in."""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date
from typing import Any

from pymongo import ASCENDING, InsertOne, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.clock import beijing_date, utc_now
from sanjin_shared.events.monitoring import MonitoringPointState, point_state_v1_to_v2


class RegisterStore:
    def __init__(self, db: AsyncDatabase[Any], *, prefix: str = "") -> None:
        self._points = db[f"{prefix}register_points"]

    async def ensure_indexes(self) -> None:
        await self._points.create_index(
            [("established_on", ASCENDING), ("province", ASCENDING)], name="by_established_on"
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

    async def established_by(
        self, day: date, province: str | None = None
    ) -> list[MonitoringPointState]:
        """Every point established on or before `day` (the end of a campaign: a point set up
        later can neither be in use nor evaluated in it)."""
        query: dict[str, Any] = {"established_on": {"$lte": day.isoformat()}}
        if province is not None:
            query["province"] = province
        docs = await self._points.find(query, {"_id": 0, "version": 0}).to_list()
        return [_state(d) for d in docs]


def _state(doc: dict[str, Any]) -> MonitoringPointState:
    """A point stored by a version before 2 (before `sanjin replay` rebuilt the register) is read
    as its event would be upcast, ended today when inactive: the day it stopped is not kept."""
    if "active" not in doc:
        doc = point_state_v1_to_v2(doc, beijing_date(utc_now()))
    return MonitoringPointState.model_validate(doc)
