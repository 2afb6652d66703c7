"""The activity: an education event, a co-governance seminar or the national launch ceremony.

Lifecycle: scheduled → completed (a report of what was held) → completed again (a correction
that replaces the figures), or scheduled/completed → cancelled. Every change raises the version
and yields one past-tense event that carries the activity's new state.

Pure rules: no I/O, no framework. Dates are Beijing calendar dates; `today` is passed in.
"""

from __future__ import annotations

from datetime import date

from sanjin_shared.declaration import state_of
from sanjin_shared.declarations.activities import (
    ActivityDetails,
    ActivityRecord,
    ActivityReport,
    ActivityStatus,
)
from sanjin_shared.entity import Entity
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.activities import (
    ActivityCancelled,
    ActivityReportCorrected,
    ActivityReported,
    ActivityRevised,
    ActivityScheduled,
    ActivityState,
)
from sanjin_shared.reference import ActivityKind, VenueType

# Where each kind of activity may be held (the campaign notice): education goes into communities, campuses
# and townships; seminars also into hospitals; the launch ceremony is a national event anywhere.
ALLOWED_VENUES: dict[ActivityKind, frozenset[VenueType]] = {
    ActivityKind.education: frozenset({VenueType.community, VenueType.campus, VenueType.township}),
    ActivityKind.seminar: frozenset(VenueType),
    ActivityKind.launch_ceremony: frozenset(VenueType),
}

Report = ActivityReport  # the figures of a report, as the domain calls them

__all__ = ["Activity", "ActivityDetails", "ActivityStatus", "Report"]


class Activity(ActivityRecord, Entity):
    """An activity: its declared fields (`ActivityRecord`) and the rules of its lifecycle."""

    # -- creation -------------------------------------------------------------------------------

    @classmethod
    def schedule(
        cls, *, id: str, province: str, details: ActivityDetails, external_id: str | None = None
    ) -> Activity:
        activity = cls.new(id=id, province=province, external_id=external_id, **_details(details))
        activity._check_details()
        return activity.raised(ActivityScheduled(activity=activity.state()))

    def _check_details(self) -> None:
        if self.venue_type not in ALLOWED_VENUES[self.kind]:
            allowed = ", ".join(sorted(ALLOWED_VENUES[self.kind]))
            raise RuleViolation(
                "venue_type", f"a {self.kind.value} activity is held in one of: {allowed}"
            )
        if self.formats and self.kind is not ActivityKind.education:
            raise RuleViolation("formats", "formats apply to education activities only")

    # -- behaviour ------------------------------------------------------------------------------

    def revise(self, details: ActivityDetails) -> Activity:
        """Take the details of `details` (an import re-sent with changes); keep status and report."""
        if self.status is ActivityStatus.cancelled:
            raise InvalidTransition("a cancelled activity cannot be changed")
        if details.campaign != self.campaign:
            raise RuleViolation("campaign", "the campaign of an activity cannot change")
        if details.kind is not self.kind and self.status is ActivityStatus.completed:
            raise RuleViolation("kind", "the kind of a reported activity cannot change")
        changed = self.but(**_details(details), version=self.version + 1)
        changed._check_details()
        return changed.raised(ActivityRevised(activity=changed.state()))

    def submit_report(self, report: Report, *, today: date) -> Activity:
        """Report what was held; reporting again is a correction that replaces the figures."""
        if self.status is ActivityStatus.cancelled:
            raise InvalidTransition("a cancelled activity cannot be reported")
        if report.held_on > today:
            raise RuleViolation("held_on", "held_on cannot be in the future")
        if report.recommendations and self.kind is not ActivityKind.seminar:
            raise RuleViolation("recommendations", "recommendations are reported for seminars only")
        correction = self.status is ActivityStatus.completed
        changed = self.but(status=ActivityStatus.completed, report=report, version=self.version + 1)
        event_type = ActivityReportCorrected if correction else ActivityReported
        return changed.raised(event_type(activity=changed.state()))

    def cancel(self, reason: str | None) -> Activity:
        if self.status is ActivityStatus.cancelled:
            raise InvalidTransition("the activity is already cancelled")
        changed = self.but(
            status=ActivityStatus.cancelled, cancel_reason=reason, version=self.version + 1
        )
        return changed.raised(ActivityCancelled(activity=changed.state(), reason=reason))

    # -- the state events carry -----------------------------------------------------------------

    def state(self) -> ActivityState:
        return state_of(ActivityState, self)


def _details(details: ActivityDetails) -> dict[str, object]:
    """The fields a caller writes (a command may carry more), each format once."""
    fields = {name: getattr(details, name) for name in ActivityDetails.model_fields}
    return fields | {"formats": tuple(dict.fromkeys(details.formats))}
