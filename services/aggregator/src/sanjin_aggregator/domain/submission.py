"""A reporting unit's report submission for a campaign, tracked like DHIS2's completeness and
timeliness, against the unit's own deadline: the campaign's, or the extension headquarters gave
the unit.

Lifecycle: (missing) → submitted → approved (locked) | returned with a comment → submitted
again ... A report that reached headquarters outside Sanjin (e-mail, paper) is recorded by
headquarters on the unit's behalf, marked with its channel and the time it arrived. Each
submission keeps a snapshot of the unit's figures at that moment (the metrics, and the counters
per venue type they are computed from, so the approved figures can be compiled exactly), and the
history keeps every step, with what changed since the previous snapshot.

Timeliness (`domain/timeliness.py`): the FIRST submission's arrival decides, against the unit's
deadline as it stands now, so extending a deadline (the campaign's or the unit's) judges again
every unit not approved; a return and a later resubmission do not make a unit late. Approval
freezes the judgement: it is written on the approval step. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.timeliness import Timeliness, is_on_time
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.submissions import (
    SubmissionApproved,
    SubmissionDeadlineExtended,
    SubmissionReceived,
    SubmissionReturned,
    SubmissionState,
)

Snapshot = dict[str, Any]  # metric -> value, as the statistics showed it
Counters = dict[str, dict[str, float]]  # venue type -> the counters behind the metrics


class SubmissionStatus(StrEnum):
    missing = "missing"
    submitted = "submitted"
    approved = "approved"
    returned = "returned"

    @property
    def label_zh(self) -> str:
        """The status as the officer reads it in a refusal."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    SubmissionStatus.missing: "未报送",
    SubmissionStatus.submitted: "已报送",
    SubmissionStatus.approved: "已审核通过",
    SubmissionStatus.returned: "已退回",
}


class Channel(StrEnum):
    """How a report reached headquarters: through Sanjin, or outside it (recorded on behalf)."""

    sanjin = "sanjin"
    email = "email"
    paper = "paper"


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of the history: a submission, an approval, a return or an extension."""

    action: str  # submitted | approved | returned | extended
    at: datetime  # when it was recorded in Sanjin
    by: str
    summary: str | None = None
    on_time: bool | None = None  # submitted: this delivery vs the deadline then; approved: frozen
    snapshot: Snapshot | None = None
    changes: dict[str, dict[str, Any]] | None = None  # metric -> {before, after}
    comment: str | None = None
    channel: str = Channel.sanjin.value
    received_at: datetime | None = None  # outside Sanjin: when it reached headquarters
    files: tuple[str, ...] = ()  # ids of the files that came with it (the report package)
    cases: tuple[str, ...] = ()  # ids of its typical cases (典型案例)
    counters: Counters | None = None
    as_of: datetime | None = None  # the figures' time: the newest event the statistics held
    deadline: datetime | None = None  # extended: the new deadline; approved: the one judged by
    days_late: int | None = None  # approved: frozen
    reason: str | None = None  # extended

    @property
    def arrived_at(self) -> datetime:
        """When the report reached headquarters."""
        return self.received_at or self.at


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
        """The latest submission step (not an approval, a return or an extension)."""
        return next((s for s in reversed(self.history) if s.action == "submitted"), None)

    @property
    def first(self) -> Step | None:
        return next((s for s in self.history if s.action == "submitted"), None)

    @property
    def approval(self) -> Step | None:
        """The approval in force (None unless the submission is approved now)."""
        if self.status is not SubmissionStatus.approved:
            return None
        return next(s for s in reversed(self.history) if s.action == "approved")

    @property
    def extension(self) -> Step | None:
        return next((s for s in reversed(self.history) if s.action == "extended"), None)

    @property
    def attempts(self) -> int:
        return sum(1 for s in self.history if s.action == "submitted")

    def deadline(self, campaign: Campaign) -> datetime:
        """The unit's own deadline: its extension, else the campaign's."""
        extension = self.extension
        return extension.deadline if extension and extension.deadline else campaign.report_deadline

    def timeliness(self, campaign: Campaign, now: datetime) -> Timeliness:
        approval = self.approval
        if approval is not None and approval.deadline is not None:
            return Timeliness(approval.deadline, approval.on_time, approval.days_late or 0)
        first = self.first
        return Timeliness.judge(self.deadline(campaign), first.arrived_at if first else None, now)

    # -- changes ------------------------------------------------------------------------------------

    def submit(
        self,
        campaign: Campaign,
        *,
        summary: str,
        snapshot: Snapshot,
        at: datetime,
        by: str,
        counters: Counters | None = None,
        as_of: datetime | None = None,
        channel: Channel = Channel.sanjin,
        received_at: datetime | None = None,
        files: tuple[str, ...] = (),
        cases: tuple[str, ...] = (),
    ) -> Submission:
        if self.status is SubmissionStatus.approved:
            raise InvalidTransition("报送已审核通过并锁定，不能再修改")
        if channel is Channel.sanjin and received_at is not None:
            raise RuleViolation("channel", "只有代为登记的报送才填写收到时间")
        if received_at is not None and received_at > at:
            raise RuleViolation("received_at", "收到时间不能晚于当前时间")
        previous = self.latest
        changes = diff(previous.snapshot if previous else None, snapshot)
        step = Step(
            action="submitted",
            at=at,
            by=by,
            summary=summary,
            on_time=is_on_time(received_at or at, self.deadline(campaign)),
            snapshot=snapshot,
            changes=changes,
            channel=channel.value,
            received_at=received_at,
            files=files,
            cases=cases,
            counters=counters,
            as_of=as_of,
        )
        changed = self._with(SubmissionStatus.submitted, step)
        return replace(
            changed,
            events=(
                SubmissionReceived(
                    submission=changed.state(campaign, at),
                    changed_metrics=sorted(changes),
                    channel=channel.value,
                ),
            ),
        )

    def approve(
        self, campaign: Campaign, *, at: datetime, by: str, comment: str | None = None
    ) -> Submission:
        if self.status is not SubmissionStatus.submitted:
            raise InvalidTransition(
                f"只有已报送的报告才能审核通过（当前状态：{self.status.label_zh}）"
            )
        judged = self.timeliness(campaign, at)
        step = Step(
            action="approved",
            at=at,
            by=by,
            comment=comment,
            deadline=judged.deadline,
            on_time=judged.on_time,
            days_late=judged.days_late,
        )
        changed = self._with(SubmissionStatus.approved, step)
        return replace(
            changed, events=(SubmissionApproved(submission=changed.state(campaign, at)),)
        )

    def return_(self, campaign: Campaign, *, at: datetime, by: str, comment: str) -> Submission:
        if self.status not in (SubmissionStatus.submitted, SubmissionStatus.approved):
            raise InvalidTransition(
                f"只有已报送或已审核通过的报告才能退回（当前状态：{self.status.label_zh}）"
            )
        changed = self._with(
            SubmissionStatus.returned, Step(action="returned", at=at, by=by, comment=comment)
        )
        return replace(
            changed,
            events=(SubmissionReturned(submission=changed.state(campaign, at), comment=comment),),
        )

    def extend(
        self, campaign: Campaign, *, deadline: datetime, reason: str, at: datetime, by: str
    ) -> Submission:
        """Give the unit its own deadline, later than the campaign's (a new extension replaces
        an earlier one)."""
        if self.status is SubmissionStatus.approved:
            raise InvalidTransition("报送已审核通过，是否按时已确定，不能再延期")
        if deadline.tzinfo is None:
            raise RuleViolation("deadline", "截止时间须注明时区，例如 +08:00（北京时间）")
        if not deadline > campaign.report_deadline:
            raise RuleViolation("deadline", "延期后的截止时间须晚于本年度活动的报送截止时间")
        step = Step(action="extended", at=at, by=by, deadline=deadline, reason=reason)
        changed = replace(self, history=(*self.history, step), version=self.version + 1)
        return replace(
            changed,
            events=(
                SubmissionDeadlineExtended(
                    campaign=self.campaign, province=self.province, deadline=deadline, reason=reason
                ),
            ),
        )

    def _with(self, status: SubmissionStatus, step: Step) -> Submission:
        return replace(self, status=status, history=(*self.history, step), version=self.version + 1)

    def state(self, campaign: Campaign, now: datetime) -> SubmissionState:
        latest = self.latest
        on_time = self.timeliness(campaign, now).on_time
        assert latest is not None and on_time is not None
        return SubmissionState(
            campaign=self.campaign,
            province=self.province,
            status=self.status.value,
            attempts=self.attempts,
            submitted_at=latest.at,
            on_time=on_time,
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
