"""Events of the `events` service: education activities, seminars and the launch ceremony."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sanjin_shared.declaration import event_state
from sanjin_shared.declarations.activities import ActivityRecord, ActivityReport
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.topics import ACTIVITIES

# The state the events carry, derived from the declaration (names, bare types and defaults):
# what a projection needs, and nothing personal. For the type checker it is the declaration.
if TYPE_CHECKING:
    ActivityReportFigures = ActivityReport
    ActivityState = ActivityRecord
else:
    ActivityReportFigures = event_state(
        "ActivityReportFigures",
        ActivityReport,
        ActivityReport.model_fields,
        optional=("recommendations",),
        doc="The outcome of a held activity, as the province reported it last.",
    )
    ActivityState = event_state(
        "ActivityState",
        ActivityRecord,
        (
            "id", "province", "campaign", "kind", "status", "title", "venue_type",
            "venue_name", "city", "county", "scheduled_on", "formats", "report",
        ),
        doc="The activity after the change: what a projection needs, and nothing personal.",
        optional=("formats", "report"),
        # the status is text in the event (its values: scheduled, completed, cancelled)
        types={"status": str, "report": ActivityReportFigures | None, "province": str},
    )  # fmt: skip


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
