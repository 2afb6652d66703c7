"""The statistics read model in MongoDB. All of the aggregator's statistics queries live here.

Collections (a replay builds a new generation beside the live one, under a name prefix):
- `stats_contributions`: each aggregate's current contribution and version;
- `stats_cells`: counters per (campaign, province, venue type), what the statistics endpoint reads:
  at most 32 × 5 rows per campaign, whatever the number of events behind them;
- `stats_venues`: per venue, the changes of its completed activities by day, behind
  `venues_covered` (a venue is covered while their sum is above zero);
- `stats_meta`: per campaign, `as_of`, the time of the newest event applied;
- `stats_daily`: per (campaign, province, Beijing date) the counters' changes that day, behind the
  daily series (the value of a day is the sum of the changes up to it).
The monitoring-point metrics are not counted here: they come from the register (`register`) and
the campaign's window (`windows`), see domain/register.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import InsertOne, ReplaceOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_aggregator.adapters.register import RegisterStore
from sanjin_aggregator.adapters.windows import WindowStore
from sanjin_aggregator.domain.contributions import Contribution
from sanjin_aggregator.domain.projection import Cell, Plan, VenueId, Versioned
from sanjin_aggregator.domain.register import in_campaign, without_points


def _cell_id(cell: Cell) -> str:
    return "|".join(cell)


def _venue_id(vid: VenueId) -> str:
    return "|".join(vid)


def _contribution_doc(c: Contribution | None) -> dict[str, Any] | None:
    """By hand: `dataclasses.asdict` deep-copies and took a fifth of the apply time (profiled)."""
    if c is None:
        return None
    return {
        "campaign": c.campaign,
        "province": c.province,
        "venue_type": c.venue_type,
        "counters": c.counters,
        "venue": c.venue,
    }


@dataclass(frozen=True, slots=True)
class Stored:
    """The keys a projection's transaction found stored before it writes."""

    contributions: Set[str] = frozenset()
    venues: Set[VenueId] = frozenset()


def _replace_or_insert(
    _id: str, doc: dict[str, Any], stored: bool
) -> ReplaceOne[Any] | InsertOne[Any]:
    return ReplaceOne({"_id": _id}, doc, upsert=True) if stored else InsertOne({"_id": _id, **doc})


class StatisticsStore:
    def __init__(self, db: AsyncDatabase[Any], *, prefix: str = "") -> None:
        # the monitoring-point figures are worked out from the register and the campaign's window
        self.register = RegisterStore(db, prefix=prefix)
        self.windows = WindowStore(db, prefix=prefix)
        self._contributions = db[f"{prefix}stats_contributions"]
        self._cells = db[f"{prefix}stats_cells"]
        self._venues = db[f"{prefix}stats_venues"]
        self._meta = db[f"{prefix}stats_meta"]
        self._daily = db[f"{prefix}stats_daily"]

    async def ensure_indexes(self) -> None:
        await self.register.ensure_indexes()
        await self._cells.create_index("campaign", name="by_campaign")
        await self._daily.create_index([("campaign", 1), ("day", 1)], name="by_campaign_day")

    # -- projection (inside the consumer's transaction) ---------------------------------------------

    async def stored_contributions(
        self, keys: Sequence[str], session: AsyncClientSession
    ) -> dict[str, Versioned]:
        out: dict[str, Versioned] = {}
        async for doc in self._contributions.find({"_id": {"$in": list(keys)}}, session=session):
            c = doc.get("contribution")
            out[doc["_id"]] = Versioned(doc["version"], Contribution(**c) if c else None)
        return out

    async def venue_days(
        self, venues: Iterable[VenueId], session: AsyncClientSession
    ) -> dict[VenueId, dict[str, int]]:
        ids = {_venue_id(v): v for v in venues}
        if not ids:
            return {}
        return {
            ids[doc["_id"]]: doc.get("days", {})
            async for doc in self._venues.find({"_id": {"$in": list(ids)}}, session=session)
        }

    async def write(
        self,
        plan: Plan,
        venue_days: dict[VenueId, dict[str, int]],
        as_of: dict[str, datetime],
        session: AsyncClientSession,
        *,
        stored: Stored,
    ) -> None:
        """`stored`: which contributions and venues the transaction read as already stored.

        What is not stored yet is inserted: an insert costs SecantusDB a third to a half of an
        upsert (measured in a transaction, 1,000 documents: 20-38 against 53-98 µs a document).
        Should another transaction store the same key after this one read, the insert conflicts
        and the whole transaction is tried again, reading it this time.
        """
        if plan.contributions:
            await self._contributions.bulk_write(
                [
                    _replace_or_insert(
                        key,
                        {
                            "version": v.version,
                            "contribution": _contribution_doc(v.contribution),
                        },
                        key in stored.contributions,
                    )
                    for key, v in plan.contributions.items()
                ],
                ordered=False,
                session=session,
            )
        cell_ops = [
            UpdateOne(
                {"_id": _cell_id(cell)},
                {
                    "$inc": {f"c.{k}": v for k, v in delta.items() if v},
                    "$setOnInsert": {
                        "campaign": cell[0],
                        "province": cell[1],
                        "venue_type": cell[2],
                    },
                },
                upsert=True,
            )
            for cell, delta in plan.cells.items()
            if any(delta.values())
        ]
        if cell_ops:
            await self._cells.bulk_write(cell_ops, ordered=False, session=session)
        if venue_days:
            await self._venues.bulk_write(
                [
                    _replace_or_insert(
                        _venue_id(vid),
                        {"days": days, "campaign": vid[0], "province": vid[1]},
                        vid in stored.venues,
                    )
                    for vid, days in venue_days.items()
                ],
                ordered=False,
                session=session,
            )
        day_ops = [
            UpdateOne(
                {"_id": "|".join(day)},
                {
                    "$inc": {f"c.{k}": v for k, v in delta.items() if v},
                    "$setOnInsert": {"campaign": day[0], "province": day[1], "day": day[2]},
                },
                upsert=True,
            )
            for day, delta in plan.days.items()
            if any(delta.values())
        ]
        if day_ops:
            await self._daily.bulk_write(day_ops, ordered=False, session=session)
        if as_of:
            await self._meta.bulk_write(
                [
                    UpdateOne({"_id": campaign}, {"$max": {"as_of": t}}, upsert=True)
                    for campaign, t in as_of.items()
                ],
                ordered=False,
                session=session,
            )

    # -- queries ------------------------------------------------------------------------------------

    async def cells(self, campaign: str) -> list[dict[str, Any]]:
        """The campaign's counter cells ({province, venue_type, c}): the stored cells, and the
        monitoring points' figures, worked out from the register and the campaign's window."""
        cells = [
            d | {"c": without_points(d.get("c", {}))}
            for d in await self._cells.find({"campaign": campaign}).to_list()
        ]
        window = await self.windows.get(campaign)
        if window is not None:
            for point in await self.register.established_by(window.ends_on):
                found = in_campaign(point, window)
                if found is not None:
                    cells.append(
                        {
                            "province": point.province,
                            "venue_type": point.venue_type.value,
                            "c": found.counters(window),
                        }
                    )
        return cells

    async def daily(self, campaign: str, province: str | None = None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"campaign": campaign}
        if province is not None:
            query["province"] = province
        return await self._daily.find(query).sort("day", 1).to_list()

    async def as_of(self, campaign: str) -> datetime | None:
        doc = await self._meta.find_one({"_id": campaign})
        return doc["as_of"] if doc else None
