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


@dataclass(frozen=True, slots=True)
class Versioned:
    version: int
    contribution: Contribution | None


@dataclass(slots=True)
class Plan:
    contributions: dict[str, Versioned] = field(default_factory=dict)
    cells: dict[Cell, Counters] = field(default_factory=dict)
    venues: dict[VenueId, int] = field(default_factory=dict)  # change in completed activities

    def touched_venues(self) -> list[VenueId]:
        return [v for v, d in self.venues.items() if d]


def plan_batch(latest: Iterable[tuple[str, Versioned]], stored: Mapping[str, Versioned]) -> Plan:
    """`latest`: (aggregate key, newest version and contribution in this batch)."""
    plan = Plan()
    newest: dict[str, Versioned] = {}
    for key, item in latest:
        if key not in newest or item.version > newest[key].version:
            newest[key] = item
    for key, item in newest.items():
        before = stored.get(key)
        if before is not None and before.version >= item.version:
            continue
        plan.contributions[key] = item
        old = before.contribution if before else None
        _move(plan, old, -1)
        _move(plan, item.contribution, +1)
    return plan


def _move(plan: Plan, c: Contribution | None, sign: int) -> None:
    if c is None:
        return
    add_into(plan.cells.setdefault(c.cell, {}), c.counters, sign)
    if c.venue is not None:
        vid = (*c.cell, c.venue)
        plan.venues[vid] = plan.venues.get(vid, 0) + sign


def settle_venues(plan: Plan, counts: Mapping[VenueId, int]) -> dict[VenueId, int]:
    """New activity counts per touched venue; `venues_covered` moves when a count crosses zero."""
    new_counts: dict[VenueId, int] = {}
    for vid in plan.touched_venues():
        before = counts.get(vid, 0)
        after = before + plan.venues[vid]
        new_counts[vid] = after
        covered = int(after > 0) - int(before > 0)
        if covered:
            cell = plan.cells.setdefault(vid[:3], {})
            cell["venues_covered"] = cell.get("venues_covered", 0) + covered
    return new_counts
