"""Which generation of the read models is live: one pointer document. A replay builds a new
generation (its collections under a name prefix, with its own consumer group, offsets and
processed event ids) and then moves the pointer; the aggregator's processes follow it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

POINTER = "read_model_generation"
_ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class Generation:
    prefix: str  # "" for the first generation
    group: str  # the consumer group that feeds it


class GenerationPointer:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[POINTER]

    async def active(self, *, default_group: str) -> Generation:
        doc = await self._col.find_one({"_id": _ACTIVE})
        if doc is None:
            return Generation(prefix="", group=default_group)
        return Generation(prefix=doc["prefix"], group=doc["group"])

    async def switch(self, generation: Generation, *, now: datetime, previous: Generation) -> None:
        await self._col.update_one(
            {"_id": _ACTIVE},
            {
                "$set": {
                    "prefix": generation.prefix,
                    "group": generation.group,
                    "switched_at": now,
                    "previous_prefix": previous.prefix,
                    "previous_group": previous.group,
                }
            },
            upsert=True,
        )

    async def drop(self, generation: Generation) -> list[str]:
        """Delete a generation's collections (after a switch away from it)."""
        db = self._col.database
        names = [n for n in await db.list_collection_names() if _belongs(n, generation.prefix)]
        for name in names:
            await db.drop_collection(name)
        return names


_GENERATION_COLLECTIONS = (
    "stats_contributions",
    "stats_cells",
    "stats_venues",
    "stats_meta",
    "stats_daily",
    "register_points",
    "campaign_windows",
    "consumer_offsets",
    "processed_events",
)


def _belongs(name: str, prefix: str) -> bool:
    return any(name == prefix + base for base in _GENERATION_COLLECTIONS)
