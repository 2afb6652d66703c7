"""Events of the `events` service: education activities, seminars and the launch ceremony."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.reference import ActivityKind, EducationFormat, VenueType
from sanjin_shared.topics import ACTIVITIES


class ActivityReportFigures(BaseModel):
    """The outcome of a held activity, as the province reported it last."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    held_on: date
    participants: int
    materials_distributed: int
    consultations: int
    comparison_items_displayed: int
    video_showings: int
    media_reports: int
    recommendations: list[str] = []


class ActivityState(BaseModel):
    """The activity after the change: what a projection needs, and nothing personal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    province: str
    campaign: str
    kind: ActivityKind
    status: str  # scheduled | completed | cancelled
    title: str
    venue_type: VenueType
    venue_name: str
    city: str
    county: str
    scheduled_on: date
    formats: list[EducationFormat] = []
    report: ActivityReportFigures | None = None


class ActivityEvent(DomainEvent):
    """Any event of an activity: all carry the activity's state after the change."""

    aggregate_type = "activity"
    topic = ACTIVITIES.name

    activity: ActivityState

    def aggregate_id(self) -> str:
        return self.activity.id


class ActivityScheduled(ActivityEvent):
    event_type = "ActivityScheduled"


class ActivityRevised(ActivityEvent):
    """Its details (title, venue, date, formats, organizer) were changed by a re-sent import."""

    event_type = "ActivityRevised"


class ActivityReported(ActivityEvent):
    """The first report of what was held."""

    event_type = "ActivityReported"


class ActivityReportCorrected(ActivityEvent):
    """A report posted again: its figures replace the previous ones."""

    event_type = "ActivityReportCorrected"


class ActivityCancelled(ActivityEvent):
    event_type = "ActivityCancelled"

    reason: str | None = None
