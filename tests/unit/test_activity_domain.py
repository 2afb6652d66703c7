"""Rules of the activity lifecycle (pure domain)."""

from __future__ import annotations

from datetime import date

import pytest

from sanjin_events.domain.activity import Activity, ActivityDetails, ActivityStatus, Report
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.activities import (
    ActivityCancelled,
    ActivityReportCorrected,
    ActivityReported,
    ActivityScheduled,
)
from sanjin_shared.reference import ActivityKind, EducationFormat, VenueType

TODAY = date(2019, 11, 1)


def schedule(**overrides: object) -> Activity:
    fields: dict[str, object] = {
        "id": "act_1",
        "province": "110000",
        "campaign": "2019",
        "kind": ActivityKind.education,
        "title": "进校园",
        "venue_type": VenueType.campus,
        "venue_name": "第一中学",
        "city": "北京市",
        "county": "海淀区",
        "scheduled_on": date(2019, 9, 20),
        "organizer": "海淀区市场监管局",
    }
    fields.update(overrides)
    identity = {"id": fields.pop("id"), "province": fields.pop("province")}
    return Activity.schedule(**identity, details=ActivityDetails(**fields))  # type: ignore[arg-type]


def report(**overrides: object) -> Report:
    fields: dict[str, object] = {
        "held_on": date(2019, 9, 20),
        "participants": 200,
        "materials_distributed": 300,
        "consultations": 20,
        "comparison_items_displayed": 5,
        "video_showings": 1,
        "media_reports": 2,
    }
    fields.update(overrides)
    return Report(**fields)  # type: ignore[arg-type]


def test_scheduling_yields_one_event_at_version_1() -> None:
    activity = schedule()
    assert activity.status is ActivityStatus.scheduled
    assert activity.version == 1
    (event,) = activity.events
    assert isinstance(event, ActivityScheduled)
    assert event.activity.status == "scheduled"


def test_education_is_not_held_in_hospitals_but_seminars_are() -> None:
    with pytest.raises(RuleViolation) as err:
        schedule(venue_type=VenueType.hospital)
    assert err.value.field == "venue_type"
    seminar = schedule(kind=ActivityKind.seminar, venue_type=VenueType.hospital)
    assert seminar.venue_type is VenueType.hospital


def test_formats_belong_to_education_only() -> None:
    with pytest.raises(RuleViolation) as err:
        schedule(kind=ActivityKind.seminar, formats=(EducationFormat.video,))
    assert err.value.field == "formats"
    assert schedule(formats=(EducationFormat.video, EducationFormat.video)).formats == (
        EducationFormat.video,
    )


def test_held_on_cannot_be_in_the_future() -> None:
    with pytest.raises(RuleViolation) as err:
        schedule().submit_report(report(held_on=date(2019, 11, 2)), today=TODAY)
    assert err.value.field == "held_on"


def test_first_report_then_correction_raise_the_version() -> None:
    reported = schedule().submit_report(report(), today=TODAY)
    assert reported.status is ActivityStatus.completed
    assert reported.version == 2
    assert isinstance(reported.events[0], ActivityReported)
    corrected = reported.submit_report(report(participants=150), today=TODAY)
    assert corrected.version == 3
    assert isinstance(corrected.events[0], ActivityReportCorrected)
    assert corrected.events[0].activity.report is not None
    assert corrected.events[0].activity.report.participants == 150


def test_recommendations_only_for_seminars() -> None:
    with pytest.raises(RuleViolation) as err:
        schedule().submit_report(report(recommendations=("多设监测点",)), today=TODAY)
    assert err.value.field == "recommendations"
    seminar = schedule(kind=ActivityKind.seminar, venue_type=VenueType.hospital)
    done = seminar.submit_report(report(recommendations=("多设监测点",)), today=TODAY)
    assert done.report is not None and done.report.recommendations == ("多设监测点",)


def test_a_cancelled_activity_cannot_be_reported_or_cancelled_again() -> None:
    cancelled = schedule().cancel("暴雨")
    assert cancelled.status is ActivityStatus.cancelled
    assert isinstance(cancelled.events[0], ActivityCancelled)
    with pytest.raises(InvalidTransition):
        cancelled.submit_report(report(), today=TODAY)
    with pytest.raises(InvalidTransition):
        cancelled.cancel(None)


def test_a_completed_activity_can_be_cancelled() -> None:
    cancelled = schedule().submit_report(report(), today=TODAY).cancel("重复录入")
    assert cancelled.version == 3
    assert cancelled.events[0].activity.status == "cancelled"
