"""The activity: an education event, a co-governance seminar or the national launch ceremony.

Lifecycle: scheduled → completed (a report of what was held) → completed again (a correction
that replaces the figures), or scheduled/completed → cancelled. Every change raises the version
and yields one past-tense event that carries the activity's new state.

Pure rules: no I/O, no framework. Dates are Beijing calendar dates; `today` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.activities import (
    ActivityCancelled,
    ActivityReportCorrected,
    ActivityReported,
    ActivityReportFigures,
    ActivityRevised,
    ActivityScheduled,
    ActivityState,
)
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.reference import ActivityKind, EducationFormat, VenueType

# Where each kind of activity may be held (BRIEF.md): education goes into communities, campuses
# and townships; seminars also into hospitals; the launch ceremony is a national event anywhere.
ALLOWED_VENUES: dict[ActivityKind, frozenset[VenueType]] = {
    ActivityKind.education: frozenset({VenueType.community, VenueType.campus, VenueType.township}),
    ActivityKind.seminar: frozenset(VenueType),
    ActivityKind.launch_ceremony: frozenset(VenueType),
}


class ActivityStatus(StrEnum):
    scheduled = "scheduled"
    completed = "completed"
    cancelled = "cancelled"


@dataclass(frozen=True, slots=True)
class Report:
    held_on: date
    participants: int
    materials_distributed: int
    consultations: int
    comparison_items_displayed: int
    video_showings: int
    media_reports: int
    recommendations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    province: str
    campaign: str
    kind: ActivityKind
    title: str
    venue_type: VenueType
    venue_name: str
    city: str
    county: str
    scheduled_on: date
    organizer: str
    formats: tuple[EducationFormat, ...] = ()
    external_id: str | None = None
    status: ActivityStatus = ActivityStatus.scheduled
    report: Report | None = None
    cancel_reason: str | None = None
    version: int = 1
    events: tuple[DomainEvent, ...] = field(default=(), compare=False)

    # -- creation -------------------------------------------------------------------------------

    @classmethod
    def schedule(
        cls,
        *,
        id: str,
        province: str,
        campaign: str,
        kind: ActivityKind,
        title: str,
        venue_type: VenueType,
        venue_name: str,
        city: str,
        county: str,
        scheduled_on: date,
        organizer: str,
        formats: tuple[EducationFormat, ...] = (),
        external_id: str | None = None,
    ) -> Activity:
        activity = cls(
            id=id,
            province=province,
            campaign=campaign,
            kind=kind,
            title=title,
            venue_type=venue_type,
            venue_name=venue_name,
            city=city,
            county=county,
            scheduled_on=scheduled_on,
            organizer=organizer,
            formats=tuple(dict.fromkeys(formats)),
            external_id=external_id,
        )
        activity._check_details()
        return replace(activity, events=(ActivityScheduled(activity=activity.state()),))

    def _check_details(self) -> None:
        if self.venue_type not in ALLOWED_VENUES[self.kind]:
            allowed = ", ".join(sorted(ALLOWED_VENUES[self.kind]))
            raise RuleViolation(
                "venue_type", f"a {self.kind.value} activity is held in one of: {allowed}"
            )
        if self.formats and self.kind is not ActivityKind.education:
            raise RuleViolation("formats", "formats apply to education activities only")

    # -- behaviour ------------------------------------------------------------------------------

    def revise(self, details: Activity) -> Activity:
        """Take the details of `details` (an import re-sent with changes); keep status and report."""
        if self.status is ActivityStatus.cancelled:
            raise InvalidTransition("a cancelled activity cannot be changed")
        if details.campaign != self.campaign:
            raise RuleViolation("campaign", "the campaign of an activity cannot change")
        if details.kind is not self.kind and self.status is ActivityStatus.completed:
            raise RuleViolation("kind", "the kind of a reported activity cannot change")
        changed = replace(
            self,
            kind=details.kind,
            title=details.title,
            venue_type=details.venue_type,
            venue_name=details.venue_name,
            city=details.city,
            county=details.county,
            scheduled_on=details.scheduled_on,
            organizer=details.organizer,
            formats=details.formats,
            version=self.version + 1,
        )
        changed._check_details()
        return replace(changed, events=(ActivityRevised(activity=changed.state()),))

    def submit_report(self, report: Report, *, today: date) -> Activity:
        """Report what was held; reporting again is a correction that replaces the figures."""
        if self.status is ActivityStatus.cancelled:
            raise InvalidTransition("a cancelled activity cannot be reported")
        if report.held_on > today:
            raise RuleViolation("held_on", "held_on cannot be in the future")
        if report.recommendations and self.kind is not ActivityKind.seminar:
            raise RuleViolation("recommendations", "recommendations are reported for seminars only")
        correction = self.status is ActivityStatus.completed
        changed = replace(
            self, status=ActivityStatus.completed, report=report, version=self.version + 1
        )
        event_type = ActivityReportCorrected if correction else ActivityReported
        return replace(changed, events=(event_type(activity=changed.state()),))

    def cancel(self, reason: str | None) -> Activity:
        if self.status is ActivityStatus.cancelled:
            raise InvalidTransition("the activity is already cancelled")
        changed = replace(
            self, status=ActivityStatus.cancelled, cancel_reason=reason, version=self.version + 1
        )
        return replace(
            changed, events=(ActivityCancelled(activity=changed.state(), reason=reason),)
        )

    # -- the state events carry -----------------------------------------------------------------

    def state(self) -> ActivityState:
        report = None
        if self.report is not None:
            r = self.report
            report = ActivityReportFigures(
                held_on=r.held_on,
                participants=r.participants,
                materials_distributed=r.materials_distributed,
                consultations=r.consultations,
                comparison_items_displayed=r.comparison_items_displayed,
                video_showings=r.video_showings,
                media_reports=r.media_reports,
                recommendations=list(r.recommendations),
            )
        return ActivityState(
            id=self.id,
            province=self.province,
            campaign=self.campaign,
            kind=self.kind,
            status=self.status.value,
            title=self.title,
            venue_type=self.venue_type,
            venue_name=self.venue_name,
            city=self.city,
            county=self.county,
            scheduled_on=self.scheduled_on,
            formats=list(self.formats),
            report=report,
        )
