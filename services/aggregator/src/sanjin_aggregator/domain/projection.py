"""Folding a batch of events into read-model changes, in memory. Pure: no I/O.

Input: for each aggregate in the batch, its newest event's version and contribution, and the
contribution stored for it so far. Output: the contributions to store, and the differences to
add to each statistics cell. An event not newer than what is stored (a duplicate, a replay, an
old event arriving late) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sanjin_aggregator.domain.contributions import Contribution
from sanjin_aggregator.domain.metrics import Counters, add_into

Cell = tuple[str, str, str]  # campaign, province, venue_type
VenueId = tuple[str, str, str, str]  # campaign, province, venue_type, venue key
Day = tuple[str, str, str]  # campaign, province, Beijing date (ISO) of the change


@dataclass(frozen=True, slots=True)
class Versioned:
    version: int
    contribution: Contribution | None
    day: str | None = None  # Beijing date of the event that brought this version


@dataclass(slots=True)
class Plan:
    contributions: dict[str, Versioned] = field(default_factory=dict)
    cells: dict[Cell, Counters] = field(default_factory=dict)
    # change in completed activities per venue, by day
    venues: dict[VenueId, dict[str, int]] = field(default_factory=dict)
    days: dict[Day, Counters] = field(default_factory=dict)  # the cells' changes by day

    def touched_venues(self) -> list[VenueId]:
        return [v for v, by_day in self.venues.items() if any(by_day.values())]


def plan_batch(latest: Iterable[tuple[str, Versioned]], stored: Mapping[str, Versioned]) -> Plan:
    """`latest`: (aggregate key, a version and its contribution) for each event of the batch.

    The versions of an aggregate newer than the stored one are stepped through in order: the
    cells move by the difference between the stored contribution and the newest, and each step's
    difference is counted on the day of the event that made it, so the daily series is the same
    whether the events came one per batch (live) or many per batch (a replay).
    """
    plan = Plan()
    steps: dict[str, dict[int, Versioned]] = {}
    for key, item in latest:
        steps.setdefault(key, {})[item.version] = item
    for key, versions in steps.items():
        before = stored.get(key)
        current = before.contribution if before else None
        newer = [versions[v] for v in sorted(versions) if before is None or v > before.version]
        for item in newer:
            _move(plan, current, -1, item.day)
            _move(plan, item.contribution, +1, item.day)
            current = item.contribution
        if newer:
            plan.contributions[key] = newer[-1]
    return plan


def _move(plan: Plan, c: Contribution | None, sign: int, day: str | None) -> None:
    """Move the cells (and the day's changes) by a contribution, taken away or added."""
    if c is None:
        return
    add_into(plan.cells.setdefault(c.cell, {}), c.counters, sign)
    if day is not None:
        add_into(plan.days.setdefault((c.campaign, c.province, day), {}), c.counters, sign)
    if c.venue is not None:
        by_day = plan.venues.setdefault((*c.cell, c.venue), {})
        key = day or ""
        by_day[key] = by_day.get(key, 0) + sign


def settle_venues(
    plan: Plan, stored: Mapping[VenueId, dict[str, int]]
) -> dict[VenueId, dict[str, int]]:
    """`venues_covered` from the completed activities per venue and day.

    A venue is covered on a day when its completed activities, summed over the days up to it,
    are more than zero. The changes of each touched venue are merged into its stored ones and its
    coverage is worked out again day by day, before and after: the cells move by the change at
    the end, and each day by the change of that day. So the series is exact whatever the order
    the events of different activities arrive in. Returns the venues' new changes by day.
    """
    merged: dict[VenueId, dict[str, int]] = {}
    for vid in plan.touched_venues():
        before = stored.get(vid, {})
        after = dict(before)
        for day, change in plan.venues[vid].items():
            after[day] = after.get(day, 0) + change
        after = {d: n for d, n in after.items() if n}
        merged[vid] = after
        old, new = _coverage_changes(before), _coverage_changes(after)
        covered = sum(new.values()) - sum(old.values())
        if covered:
            cell = plan.cells.setdefault(vid[:3], {})
            cell["venues_covered"] = cell.get("venues_covered", 0) + covered
        for day in set(old) | set(new):
            change = new.get(day, 0) - old.get(day, 0)
            if change and day:
                counters = plan.days.setdefault((vid[0], vid[1], day), {})
                counters["venues_covered"] = counters.get("venues_covered", 0) + change
    return merged


def _coverage_changes(by_day: Mapping[str, int]) -> dict[str, int]:
    """Day -> +1 when the venue becomes covered that day, -1 when it stops being covered."""
    out: dict[str, int] = {}
    count = 0
    for day in sorted(by_day):
        after = count + by_day[day]
        change = int(after > 0) - int(count > 0)
        if change:
            out[day] = change
        count = after
    return out
