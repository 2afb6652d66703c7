"""Events of the provinces' report submissions, published by the aggregator (topic
`sanjin.submissions`): received, approved, returned, a unit's deadline extended, reminders
before the deadline and escalations after it (each once per unit and step), and overdue once per
unit."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.topics import SUBMISSIONS


class SubmissionState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign: str
    province: str
    status: str  # submitted | approved | returned
    attempts: int
    submitted_at: datetime
    on_time: bool


class SubmissionEvent(DomainEvent):
    aggregate_type = "report_submission"
    topic = SUBMISSIONS.name

    submission: SubmissionState

    def aggregate_id(self) -> str:
        return f"{self.submission.campaign}|{self.submission.province}"


class SubmissionReceived(SubmissionEvent):
    """A province submitted (or resubmitted) its summary with a snapshot of its figures."""

    event_type = "SubmissionReceived"
    changed_metrics: list[str]
    channel: Literal["sanjin", "email", "paper"] = Field(
        default="sanjin",
        description="How it reached headquarters; email or paper: recorded by headquarters on "
        "the unit's behalf",
    )


class SubmissionApproved(SubmissionEvent):
    """Headquarters approved the submission: it is locked."""

    event_type = "SubmissionApproved"


class SubmissionReturned(SubmissionEvent):
    """Headquarters returned the submission with a comment; the province may resubmit."""

    event_type = "SubmissionReturned"
    comment: str


class SubmissionDeadlineMissed(DomainEvent):
    """The campaign's deadline passed without a submission from the province (said once)."""

    event_type = "SubmissionDeadlineMissed"
    aggregate_type = "report_deadline"
    topic = SUBMISSIONS.name

    campaign: str
    province: str
    deadline: datetime

    def aggregate_id(self) -> str:
        return f"{self.campaign}|{self.province}"


class SubmissionDeadlineExtended(DomainEvent):
    """Headquarters gave one unit its own deadline, later than the campaign's."""

    event_type = "SubmissionDeadlineExtended"
    aggregate_type = "report_submission"
    topic = SUBMISSIONS.name

    campaign: str
    province: str
    deadline: datetime
    reason: str

    def aggregate_id(self) -> str:
        return f"{self.campaign}|{self.province}"


class SubmissionReminderSent(DomainEvent):
    """A unit that has not submitted was reminded of its deadline (`reminder`, `days` before
    it) or chased after it (`escalation`, `days` after it): once per unit and step."""

    event_type = "SubmissionReminderSent"
    aggregate_type = "report_reminder"
    topic = SUBMISSIONS.name

    campaign: str
    province: str
    kind: Literal["reminder", "escalation"]
    step: str
    days: int
    deadline: datetime

    def aggregate_id(self) -> str:
        return f"{self.campaign}|{self.province}|{self.step}"
