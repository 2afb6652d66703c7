"""The campaigns as the read models know them: each campaign's window, kept from the events on
`sanjin.campaigns` (the newest version wins), part of a generation like the other read models.
Campaign 2019 is known without any event."""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import date
from typing import Any

from pymongo import InsertOne, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_aggregator.domain.campaign import DEFAULT_CAMPAIGNS
from sanjin_aggregator.domain.register import Window

_DEFAULTS = {c.id: Window(c.starts_on, c.ends_on) for c in DEFAULT_CAMPAIGNS}


class WindowStore:
    def __init__(self, db: AsyncDatabase[Any], *, prefix: str = "") -> None:
        self._col = db[f"{prefix}campaign_windows"]

    async def versions(self, ids: list[str], session: AsyncClientSession) -> dict[str, int]:
        cursor = self._col.find({"_id": {"$in": ids}}, {"version": 1}, session=session)
        return {d["_id"]: d["version"] async for d in cursor}

    async def write(
        self,
        windows: Mapping[str, tuple[int, Window]],
        session: AsyncClientSession,
        *,
        stored: Set[str],
    ) -> None:
        if windows:
            docs = {
                cid: {
                    "version": v,
                    "starts_on": w.starts_on.isoformat(),
                    "ends_on": w.ends_on.isoformat(),
                }
                for cid, (v, w) in windows.items()
            }
            await self._col.bulk_write(
                [
                    ReplaceOne({"_id": cid}, doc)
                    if cid in stored
                    else InsertOne({"_id": cid, **doc})
                    for cid, doc in docs.items()
                ],
                ordered=False,
                session=session,
            )

    async def get(self, campaign: str) -> Window | None:
        doc = await self._col.find_one({"_id": campaign})
        if doc is None:
            return _DEFAULTS.get(campaign)
        return Window(date.fromisoformat(doc["starts_on"]), date.fromisoformat(doc["ends_on"]))
