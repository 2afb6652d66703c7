"""The register of monitoring points across campaigns. Pure: no I/O.

A point belongs to its province and stands across campaigns. In the campaign of a window:
- it is listed (and counts as `monitoring_points_active`) when it was in use on at least one
  day of the window;
- it counts as `monitoring_points_established` when its `established_on` lies in the window;
- an evaluation belongs to the campaign whose window holds its date: the point counts as
  `monitoring_points_evaluated` when one of its evaluations does, and the register shows its
  latest evaluation in that campaign.
Whatever campaign a point was registered in does not matter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sanjin_aggregator.domain.metrics import Counters
from sanjin_shared.events.monitoring import EvaluationRecord, MonitoringPointState

ACTIVE = "monitoring_points_active"
ESTABLISHED = "monitoring_points_established"
EVALUATED = "monitoring_points_evaluated"
POINT_METRICS: tuple[str, ...] = (ACTIVE, ESTABLISHED, EVALUATED)


def without_points(counters: Mapping[str, Any]) -> dict[str, Any]:
    """Counters stored before the points' figures came from the register still hold them."""
    return {k: v for k, v in counters.items() if k not in POINT_METRICS}


@dataclass(frozen=True, slots=True)
class Window:
    """A campaign's days, both ends included (Beijing dates)."""

    starts_on: date
    ends_on: date

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class PointInCampaign:
    point: MonitoringPointState
    first_day_in_use: date | None  # in the window; None: not in use during it
    evaluations: tuple[EvaluationRecord, ...]  # those dated in the window, in recorded order

    @property
    def listed(self) -> bool:
        return self.first_day_in_use is not None

    @property
    def latest_evaluation(self) -> EvaluationRecord | None:
        """The latest by date; of two on one day, the one recorded last."""
        if not self.evaluations:
            return None
        return max(enumerate(self.evaluations), key=lambda e: (e[1].evaluated_on, e[0]))[1]

    def counters(self, window: Window) -> Counters:
        """What the point adds to its province's figures in the campaign."""
        counters: Counters = {
            ACTIVE: int(self.listed),
            ESTABLISHED: int(window.holds(self.point.established_on)),
            EVALUATED: int(bool(self.evaluations)),
        }
        return {k: v for k, v in counters.items() if v}

    def changes_by_day(self, window: Window) -> dict[date, Counters]:
        """The same figures, each counted on the day it became true (the daily series)."""
        out: dict[date, Counters] = {}

        def add(day: date, metric: str) -> None:
            out.setdefault(day, {})[metric] = out.get(day, {}).get(metric, 0) + 1

        if self.first_day_in_use is not None:
            add(self.first_day_in_use, ACTIVE)
        if window.holds(self.point.established_on):
            add(self.point.established_on, ESTABLISHED)
        if self.evaluations:
            add(min(e.evaluated_on for e in self.evaluations), EVALUATED)
        return out


def in_campaign(point: MonitoringPointState, window: Window) -> PointInCampaign | None:
    """The point as the campaign of `window` sees it; None when it plays no part in it."""
    first: date | None = None
    for period in point.active:
        if period.until is not None and period.until <= max(period.since, window.starts_on):
            continue  # a span of no day, or one that ended before the window
        if period.since <= window.ends_on:
            day = max(period.since, window.starts_on)
            first = day if first is None else min(first, day)
    evaluations = tuple(e for e in point.evaluations if window.holds(e.evaluated_on))
    if first is None and not evaluations and not window.holds(point.established_on):
        return None
    return PointInCampaign(point, first, evaluations)
