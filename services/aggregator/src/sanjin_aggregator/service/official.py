"""The official figures: the national Attachment-1 compiled from the APPROVED snapshots, beside
the live figures of the read model, with the difference.

A unit counts in the approved table with the snapshot of the submission headquarters approved
(its counters per venue type, so the satisfaction index and the venue types compile exactly, as
the live table does from its cells); a unit not approved counts zero there and has no approval.
Approved figures do not move when records change after approval; the live ones do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.submissions import SubmissionRepository
from sanjin_aggregator.domain.metrics import COUNT_METRICS, METRICS
from sanjin_aggregator.domain.submission import Submission
from sanjin_aggregator.service.statistics import (
    StatisticsTable,
    cells_of,
    compile_table,
    statistics,
)

Figures = dict[str, int | float | None]


@dataclass(frozen=True, slots=True)
class UnitApproval:
    """Which figures of a unit the approved table holds."""

    as_of: datetime | None  # the snapshot's figures' time
    submitted_at: datetime  # when the approved version reached headquarters
    approved_at: datetime
    approved_by: str
    channel: str


@dataclass(frozen=True, slots=True)
class OfficialFigures:
    approved: StatisticsTable
    live: StatisticsTable
    approvals: dict[str, UnitApproval]  # province -> its approval (approved units only)

    def difference(self, province: str | None = None) -> Figures:
        """live − approved for every metric that differs (a unit's, or the totals)."""
        if province is None:
            return difference(self.live.totals, self.approved.totals)
        live = next(r for r in self.live.provinces if r.province == province)
        approved = next(r for r in self.approved.provinces if r.province == province)
        return difference(live.metrics, approved.metrics)


def difference(live: Figures, approved: Figures) -> Figures:
    out: Figures = {}
    for metric in METRICS:
        a, b = live.get(metric), approved.get(metric)
        if a == b:
            continue
        if metric in COUNT_METRICS:
            out[metric] = int(a or 0) - int(b or 0)
        else:  # the index: no difference to state when either side has no responses
            out[metric] = round(a - b, 2) if a is not None and b is not None else None
    return out


def _approval(s: Submission) -> UnitApproval | None:
    approval, latest = s.approval, s.latest
    if approval is None or latest is None:
        return None
    return UnitApproval(
        as_of=latest.as_of,
        submitted_at=latest.arrived_at,
        approved_at=approval.at,
        approved_by=approval.by,
        channel=latest.channel,
    )


def _snapshot_cells(s: Submission) -> list[dict[str, Any]]:
    latest = s.latest
    assert latest is not None
    if latest.counters is not None:
        return cells_of(s.province, latest.counters)
    # a snapshot taken before snapshots kept their counters: its counts, without venue types
    counts = {m: v for m, v in (latest.snapshot or {}).items() if m in COUNT_METRICS and v}
    return cells_of(s.province, {"": counts})


async def official_figures(
    submissions: SubmissionRepository, store: StatisticsStore, campaign: str
) -> OfficialFigures:
    approvals: dict[str, UnitApproval] = {}
    cells: list[dict[str, Any]] = []
    for province, s in (await submissions.of_campaign(campaign)).items():
        approval = _approval(s)
        if approval is not None:
            approvals[province] = approval
            cells.extend(_snapshot_cells(s))
    as_of = max((a.as_of for a in approvals.values() if a.as_of), default=None)
    return OfficialFigures(
        approved=compile_table(campaign, cells, as_of),
        live=await statistics(store, campaign),
        approvals=approvals,
    )
