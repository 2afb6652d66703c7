"""What one aggregate contributes to the statistics. Pure functions, no I/O.

Every event carries its aggregate's state after the change, so the contribution of an aggregate
is a function of its latest event alone. The projector stores each aggregate's current
contribution; applying a newer event replaces it, and the statistics move by the difference.
That is why a correction never counts twice and a cancelled activity counts nowhere.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sanjin_aggregator.domain.metrics import SATISFACTION_N, SATISFACTION_SUM, Counters
from sanjin_shared.events.activities import (
    ActivityEvent,
    ActivityState,
)
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.inspection import (
    BookingEvent,
    InspectionResultRecorded,
    InspectionResultState,
    InspectionSessionEvent,
)
from sanjin_shared.events.monitoring import (
    MonitoringPointEvent,
    RiskReportEvent,
    RiskReportState,
)
from sanjin_shared.events.surveys import SurveyEvent, SurveyResponseRecorded
from sanjin_shared.reference import (
    ActivityKind,
    InspectionOutcome,
    InspectionService,
    RiskLevel,
)

UNSPECIFIED_VENUE = "unspecified"


@dataclass(frozen=True, slots=True)
class Contribution:
    campaign: str
    province: str
    venue_type: str
    counters: Counters = field(default_factory=dict)
    venue: str | None = None  # the venue this aggregate covers, if it counts as covered

    @property
    def cell(self) -> tuple[str, str, str]:
        return (self.campaign, self.province, self.venue_type)


def contribution_of(event: DomainEvent) -> Contribution | None:
    """The contribution of the aggregate in the state the event carries (None: not projected)."""
    if isinstance(event, ActivityEvent):
        return _activity(event.activity)
    if isinstance(event, MonitoringPointEvent):
        return None  # the register carries the points' figures (domain/register.py)
    if isinstance(event, RiskReportEvent):
        return _risk_report(event.report)
    if isinstance(event, InspectionSessionEvent):
        session = event.session
        held: Counters = {"inspection_sessions": 1} if session.status == "scheduled" else {}
        return Contribution(session.campaign, session.province, session.venue_type.value, held)
    if isinstance(event, BookingEvent):
        b = event.booking
        confirmed: Counters = {"bookings_confirmed": 1} if b.status == "confirmed" else {}
        return Contribution(b.campaign, b.province, b.venue_type.value, confirmed)
    if isinstance(event, InspectionResultRecorded):
        return _inspection_result(event.result)
    if isinstance(event, SurveyEvent):
        s = event.survey
        return Contribution(s.campaign, s.province, UNSPECIFIED_VENUE, {"surveys": 1})
    if isinstance(event, SurveyResponseRecorded):
        counters: Counters = {"survey_responses": 1}
        if event.index is not None:
            # response-weighted: the index of any set of cells is Σ index / n over its responses
            counters |= {SATISFACTION_N: 1, SATISFACTION_SUM: event.index}
        return Contribution(event.campaign, event.province, UNSPECIFIED_VENUE, counters)
    return None  # e.g. RiskSignalRaised: a fact for people, already counted through its reports


def _activity(a: ActivityState) -> Contribution:
    base = Contribution(a.campaign, a.province, a.venue_type.value)
    if a.status != "completed" or a.report is None:
        return base
    r = a.report
    counters: Counters = {
        "education_activities": int(a.kind is ActivityKind.education),
        "seminars": int(a.kind is ActivityKind.seminar),
        "launch_ceremonies": int(a.kind is ActivityKind.launch_ceremony),
        "participants": r.participants,
        "materials_distributed": r.materials_distributed,
        "consultations": r.consultations,
        "comparison_items_displayed": r.comparison_items_displayed,
        "video_showings": r.video_showings,
        "media_reports": r.media_reports,
        "seminar_recommendations": len(r.recommendations),
    }
    return Contribution(
        a.campaign,
        a.province,
        a.venue_type.value,
        {k: v for k, v in counters.items() if v},
        venue=venue_key(a.venue_type.value, a.city, a.county, a.venue_name),
    )


def _risk_report(r: RiskReportState) -> Contribution:
    counters: Counters = {
        "risk_reports": 1,
        "risk_reports_serious": int(r.risk_level is RiskLevel.serious),
        "risk_reports_high": int(r.risk_level is RiskLevel.high),
        "injuries_reported": int(r.injured),
    }
    return Contribution(
        r.campaign, r.province, r.venue_type.value, {k: v for k, v in counters.items() if v}
    )


def _inspection_result(r: InspectionResultState) -> Contribution:
    """Every result serves a consumer; testing results are samples tested (and failed), and
    authentication results that found a counterfeit are counterfeits identified."""
    testing = r.service is InspectionService.testing
    counters: Counters = {
        "consumers_served": 1,
        "samples_tested": int(testing),
        "samples_failed": int(testing and r.outcome is InspectionOutcome.failed),
        "counterfeits_identified": int(r.outcome is InspectionOutcome.counterfeit),
    }
    return Contribution(
        r.campaign, r.province, r.venue_type.value, {k: v for k, v in counters.items() if v}
    )


def venue_key(venue_type: str, city: str, county: str, name: str) -> str:
    """Identity of a venue: the same place written with different spacing or width is one venue."""

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    return "|".join((venue_type, norm(city), norm(county), norm(name)))
