"""Each record type's fields are declared once (`sanjin_shared.declarations`): every field has
its Chinese label, a record survives its stored document, and the state an event carries (a
versioned contract of its own) has each field with the type its declaration gives, except where
the meaning differs, which is named here."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from sanjin_events.domain.activity import Activity, ActivityDetails, Report
from sanjin_shared.declaration import bare, columns, from_document, to_document
from sanjin_shared.declarations import activities, common, inspection, monitoring, surveys
from sanjin_shared.events.activities import ActivityReportFigures, ActivityState
from sanjin_shared.events.inspection import (
    BookingState,
    InspectionResultState,
    InspectionSessionState,
)
from sanjin_shared.events.monitoring import (
    EvaluationRecord,
    MonitoringPointState,
    RiskReportState,
)
from sanjin_shared.events.surveys import SurveyState
from sanjin_shared.reference import ActivityKind, LabelledEnum, VenueType

CHINESE = re.compile(r"[\u4e00-\u9fff]")

DECLARATIONS: list[type[BaseModel]] = [
    common.Intake,
    activities.ActivityReport,
    activities.ActivityRecord,
    monitoring.Evaluation,
    monitoring.PointRecord,
    monitoring.ReportRecord,
    inspection.SessionRecord,
    inspection.BookingRecord,
    inspection.ResultRecord,
    surveys.Question,
    surveys.SurveyRecord,
    surveys.ResponseDetails,
    surveys.ResponseRecord,
]

# (event state, its declaration, the fields whose meaning differs in the event)
STATES: list[tuple[type[BaseModel], type[BaseModel], set[str]]] = [
    (ActivityState, activities.ActivityRecord, {"status", "report"}),  # text; the figures' state
    (ActivityReportFigures, activities.ActivityReport, set()),
    # text; every evaluation without its findings; (the periods of use derive from status_changes)
    (MonitoringPointState, monitoring.PointRecord, {"status", "evaluations"}),
    (EvaluationRecord, monitoring.Evaluation, set()),
    (RiskReportState, monitoring.ReportRecord, {"victim_sex"}),  # text
    (InspectionSessionState, inspection.SessionRecord, {"status"}),
    (BookingState, inspection.BookingRecord, {"status", "cancellation_reason"}),
    (InspectionResultState, inspection.ResultRecord, set()),
    (SurveyState, surveys.SurveyRecord, {"status", "questions"}),  # text; a count
]


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=lambda d: d.__name__)
def test_every_declared_field_has_a_chinese_label(declaration: type[BaseModel]) -> None:
    for column in columns(declaration):
        assert CHINESE.search(column.title), f"{declaration.__name__}.{column.name} has no label"


@pytest.mark.parametrize(
    ("state", "declaration", "differs"), STATES, ids=lambda x: getattr(x, "__name__", "")
)
def test_an_event_state_has_its_declarations_types(
    state: type[BaseModel], declaration: type[BaseModel], differs: set[str]
) -> None:
    shared = set(state.model_fields) & set(declaration.model_fields)
    assert differs <= shared, f"{state.__name__}: {differs - shared} are not declared"
    for name in sorted(shared - differs):
        declared = bare(declaration.model_fields[name].annotation)
        assert state.model_fields[name].annotation == declared, (
            f"{state.__name__}.{name} is {state.model_fields[name].annotation}, its declaration "
            f"says {declared}"
        )


def test_enumerations_carry_their_chinese_labels_to_the_columns() -> None:
    kind = next(c for c in columns(activities.ActivityDetails) if c.name == "kind")
    assert kind.enumeration is ActivityKind
    assert issubclass(kind.enumeration, LabelledEnum)
    assert all(CHINESE.search(member.label_zh) for member in ActivityKind)


def _activity() -> Activity:
    details = ActivityDetails(
        campaign="2019",
        kind=ActivityKind.seminar,
        title="研讨会",
        venue_type=VenueType.hospital,
        venue_name="第一医院",
        city="北京市",
        county="东城区",
        scheduled_on=date(2019, 9, 20),
        organizer="东城区市场监管局",
    )
    return Activity.schedule(id="act_1", province="110000", details=details, external_id="BJ-1")


def test_a_record_survives_its_stored_document() -> None:
    reported = _activity().submit_report(
        Report(held_on=date(2019, 9, 20), participants=30, recommendations=("加强抽查",)),
        today=date(2019, 10, 1),
    )
    doc: dict[str, Any] = to_document(reported)
    assert doc["_id"] == "act_1" and "id" not in doc and "events" not in doc
    assert doc["kind"] == "seminar" and doc["scheduled_on"] == "2019-09-20"
    assert doc["report"]["held_on"] == "2019-09-20"
    assert doc["report"]["recommendations"] == ["加强抽查"]
    again = from_document(Activity, doc | {"fingerprint": "f", "created_at": None})
    assert again == reported
    assert again.state() == reported.state()
