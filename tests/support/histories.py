"""Random activity histories for property tests, made by the real domain model."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hypothesis import strategies as st

from sanjin_events.domain.activity import Activity, ActivityDetails, Report
from sanjin_shared.errors import DomainError
from sanjin_shared.reference import ActivityKind, VenueType

TODAY = date(2019, 12, 31)
# the last venue is the first written with a space: the same venue for `venues_covered`
VENUES = [
    ("community", "和平社区"),
    ("campus", "实验小学"),
    ("hospital", "人民医院"),
    ("community", "和平 社区"),
]

step = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 300)), st.tuples(st.just("cancel"), st.just(0))
)
plan = st.tuples(
    st.sampled_from(["110000", "650000", "660000"]),
    st.sampled_from(range(len(VENUES))),
    st.sampled_from([ActivityKind.education, ActivityKind.seminar, ActivityKind.launch_ceremony]),
    st.lists(step, max_size=4),
)


def history(index: int, plan: tuple[Any, ...]) -> list[Activity]:
    """The activity after each step that its rules allowed; each carries the event it raised."""
    province, venue, kind, steps = plan
    venue_type, name = VENUES[venue]
    if kind is ActivityKind.education and venue_type == "hospital":
        kind = ActivityKind.seminar
    a = Activity.schedule(
        id=f"act_{uuid.uuid4().hex[:12]}_{index}",
        province=province,
        details=ActivityDetails(
            campaign="2019",
            kind=kind,
            title="t",
            venue_type=VenueType(venue_type),
            venue_name=name,
            city="市",
            county="区",
            scheduled_on=date(2019, 9, 1),
            organizer="o",
        ),
    )
    states = [a]
    for op, n in steps:
        try:
            if op == "report":
                recommendations = ("建议",) * (n % 3) if kind is ActivityKind.seminar else ()
                figures = Report(
                    held_on=date(2019, 9, 2),
                    participants=n,
                    materials_distributed=2 * n,
                    consultations=n % 7,
                    comparison_items_displayed=1,
                    video_showings=0,
                    media_reports=n % 2,
                    recommendations=recommendations,
                )
                a = a.submit_report(figures, today=TODAY)
            else:
                a = a.cancel(None)
        except DomainError:
            continue
        states.append(a)
    return states


def histories(plans: list[Any]) -> list[list[Activity]]:
    return [history(i, p) for i, p in enumerate(plans)]
