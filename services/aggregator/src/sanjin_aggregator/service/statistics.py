"""The national statistics view: all 32 reporting units, zeros included, totals and venue types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.domain.metrics import Counters, add_into, finish
from sanjin_aggregator.domain.register import without_points
from sanjin_aggregator.service.register import points_in_campaign
from sanjin_shared.reference import PROVINCES, VenueType

VENUE_TYPES = tuple(v.value for v in VenueType)


@dataclass(frozen=True, slots=True)
class ProvinceRow:
    province: str
    name: str
    metrics: dict[str, int | float | None]
    by_venue_type: dict[str, dict[str, int | float | None]]


@dataclass(frozen=True, slots=True)
class StatisticsTable:
    campaign: str
    as_of: datetime | None
    totals: dict[str, int | float | None]
    provinces: list[ProvinceRow]
    venue_totals: dict[str, dict[str, int | float | None]] = field(default_factory=dict)


async def statistics(store: StatisticsStore, campaign: str) -> StatisticsTable:
    """The live figures: the read model's cells as they stand."""
    return compile_table(campaign, await live_cells(store, campaign), await store.as_of(campaign))


async def live_cells(store: StatisticsStore, campaign: str) -> list[dict[str, Any]]:
    """The counter cells ({province, venue_type, c}) behind the live figures: what the table
    compiles and what a submission's snapshot keeps."""
    return await store.cells(campaign)


def compile_table(
    campaign: str, cells: Iterable[Mapping[str, Any]], as_of: datetime | None
) -> StatisticsTable:
    """The table from counter cells ({province, venue_type, c}): the live cells of the read
    model, or the cells of the approved snapshots."""
    per_province: dict[str, Counters] = {p: {} for p in PROVINCES}
    per_venue: dict[str, dict[str, Counters]] = {p: {v: {} for v in VENUE_TYPES} for p in PROVINCES}
    national: Counters = {}
    national_venue: dict[str, Counters] = {v: {} for v in VENUE_TYPES}
    for cell in cells:
        province, venue_type, counters = cell["province"], cell["venue_type"], cell.get("c", {})
        if province not in per_province:
            continue
        add_into(per_province[province], counters)
        add_into(national, counters)
        if venue_type in per_venue[province]:
            add_into(per_venue[province][venue_type], counters)
            add_into(national_venue[venue_type], counters)
    rows = [
        ProvinceRow(
            province=code,
            name=name,
            metrics=finish(per_province[code]),
            by_venue_type={v: finish(per_venue[code][v]) for v in VENUE_TYPES},
        )
        for code, name in PROVINCES.items()
    ]
    return StatisticsTable(
        campaign=campaign,
        as_of=as_of,
        totals=finish(national),
        provinces=rows,
        venue_totals={v: finish(national_venue[v]) for v in VENUE_TYPES},
    )


def counters_of(cells: Iterable[Mapping[str, Any]], province: str) -> dict[str, Counters]:
    """One unit's counters per venue type (what a submission's snapshot keeps)."""
    out: dict[str, Counters] = {}
    for cell in cells:
        if cell["province"] == province and cell.get("c"):
            add_into(out.setdefault(cell["venue_type"], {}), cell["c"])
    return out


def cells_of(province: str, counters: Mapping[str, Mapping[str, float]]) -> list[dict[str, Any]]:
    """The cells of one unit's snapshot (the inverse of `counters_of`)."""
    return [{"province": province, "venue_type": v, "c": dict(c)} for v, c in counters.items()]


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: date
    metrics: dict[str, int | float | None]  # the figures as they stood at the end of the day


async def daily_series(
    store: StatisticsStore, campaign: str, province: str | None = None
) -> list[DayFigures]:
    """Every metric day by day (Beijing dates of the events that changed it), nation-wide or for
    one province; from the first day with a change to the last, the days between included. The
    monitoring points' figures change on their own dates (set up, first day in use in the
    campaign, first evaluation in it)."""
    changes: dict[date, Counters] = {}
    for doc in await store.daily(campaign, province):
        if doc["province"] in PROVINCES:
            day = date.fromisoformat(doc["day"])
            add_into(changes.setdefault(day, {}), without_points(doc.get("c", {})))
    window = await store.windows.get(campaign)
    for p in await points_in_campaign(store.register, window, province):
        assert window is not None
        if p.point.province in PROVINCES:
            for day, counters in p.changes_by_day(window).items():
                add_into(changes.setdefault(day, {}), counters)
    changes = {d: c for d, c in changes.items() if any(c.values())}  # changes that cancelled out
    if not changes:
        return []
    running: Counters = {}
    series = []
    day, last = min(changes), max(changes)
    while day <= last:
        add_into(running, changes.get(day, {}))
        series.append(DayFigures(day, finish(running)))
        day += timedelta(days=1)
    return series
