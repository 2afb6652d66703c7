"""A province's report submission for a campaign, tracked like DHIS2's completeness and
timeliness but against the campaign's absolute deadline.

Lifecycle: (missing) → submitted → approved (locked) | returned with a comment → submitted
again ... Each submission keeps a snapshot of the province's figures at that moment, and the
history keeps every step, with what changed since the previous snapshot. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sanjin_aggregator.domain.campaign import Campaign
from sanjin_shared.errors import InvalidTransition
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.submissions import (
    SubmissionApproved,
    SubmissionReceived,
    SubmissionReturned,
    SubmissionState,
)

Snapshot = dict[str, Any]  # metric -> value, as the statistics showed it


class SubmissionStatus(StrEnum):
    missing = "missing"
    submitted = "submitted"
    approved = "approved"
    returned = "returned"


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of the history: a submission, an approval or a return."""

    action: str  # submitted | approved | returned
    at: datetime
    by: str
    summary: str | None = None
    on_time: bool | None = None
    snapshot: Snapshot | None = None
    changes: dict[str, dict[str, Any]] | None = None  # metric -> {before, after}
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    campaign: str
    province: str
    status: SubmissionStatus = SubmissionStatus.missing
    history: tuple[Step, ...] = ()
    version: int = 0
    events: tuple[DomainEvent, ...] = field(default=(), compare=False)

    @property
    def id(self) -> str:
        return f"{self.campaign}|{self.province}"

    @property
    def latest(self) -> Step | None:
        """The latest submission step (not an approval or a return)."""
        return next((s for s in reversed(self.history) if s.action == "submitted"), None)

    @property
    def attempts(self) -> int:
        return sum(1 for s in self.history if s.action == "submitted")

    def submit(
        self, campaign: Campaign, *, summary: str, snapshot: Snapshot, at: datetime, by: str
    ) -> Submission:
        if self.status is SubmissionStatus.approved:
            raise InvalidTransition("the submission is approved and locked")
        previous = self.latest
        changes = diff(previous.snapshot if previous else None, snapshot)
        step = Step(
            action="submitted",
            at=at,
            by=by,
            summary=summary,
            on_time=campaign.on_time(at),
            snapshot=snapshot,
            changes=changes,
        )
        changed = self._with(SubmissionStatus.submitted, step)
        return replace(
            changed,
            events=(
                SubmissionReceived(submission=changed.state(), changed_metrics=sorted(changes)),
            ),
        )

    def approve(self, *, at: datetime, by: str, comment: str | None = None) -> Submission:
        if self.status is not SubmissionStatus.submitted:
            raise InvalidTransition(
                f"only a submitted report can be approved (it is {self.status})"
            )
        changed = self._with(
            SubmissionStatus.approved, Step(action="approved", at=at, by=by, comment=comment)
        )
        return replace(changed, events=(SubmissionApproved(submission=changed.state()),))

    def return_(self, *, at: datetime, by: str, comment: str) -> Submission:
        if self.status not in (SubmissionStatus.submitted, SubmissionStatus.approved):
            raise InvalidTransition(
                f"only a submitted or approved report can be returned (it is {self.status})"
            )
        changed = self._with(
            SubmissionStatus.returned, Step(action="returned", at=at, by=by, comment=comment)
        )
        return replace(
            changed, events=(SubmissionReturned(submission=changed.state(), comment=comment),)
        )

    def _with(self, status: SubmissionStatus, step: Step) -> Submission:
        return replace(self, status=status, history=(*self.history, step), version=self.version + 1)

    def state(self) -> SubmissionState:
        latest = self.latest
        assert latest is not None and latest.on_time is not None
        return SubmissionState(
            campaign=self.campaign,
            province=self.province,
            status=self.status.value,
            attempts=self.attempts,
            submitted_at=latest.at,
            on_time=latest.on_time,
        )


def diff(before: Snapshot | None, after: Snapshot) -> dict[str, dict[str, Any]]:
    """What changed between two snapshots (nothing to compare with for the first one)."""
    if before is None:
        return {}
    return {
        metric: {"before": before.get(metric), "after": value}
        for metric, value in after.items()
        if before.get(metric) != value
    }
