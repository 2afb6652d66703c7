"""What an officer reads: the API documents carry each enumeration's Chinese labels (and the
events' schemas stay bare), and validation errors are answered in Chinese to a request that
prefers Chinese, in English otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from sanjin_shared.apidocs import openapi_document
from sanjin_shared.declarations.activities import ActivityReport
from sanjin_shared.events.catalogue import current_schemas
from sanjin_shared.messages import prefers_chinese
from sanjin_shared.problems import validation_errors
from sanjin_shared.reference import VenueType, labelled_enums


@pytest.mark.parametrize(
    ("header", "chinese"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", True),
        ("zh", True),
        ("en;q=0.5,zh", True),
        ("en-US,en;q=0.9", False),
        ("zh;q=0,en", False),
        ("*", False),
        (None, False),
        ("", False),
    ],
)
def test_chinese_is_chosen_by_the_accept_language_header(header: str | None, chinese: bool) -> None:
    assert prefers_chinese(header) is chinese


def test_validation_errors_are_chinese_when_asked_and_english_otherwise() -> None:
    with pytest.raises(ValidationError) as raised:
        ActivityReport.model_validate({"held_on": "2019-09-20", "participants": -1})
    errors: list[dict[str, Any]] = [dict(e) for e in raised.value.errors()]
    located = [{**e, "loc": ("body", *e["loc"])} for e in errors]
    (chinese,) = validation_errors(located, chinese=True)
    (english,) = validation_errors(located)
    assert chinese["field"] == english["field"] == "participants"
    assert chinese["message"] == "不能小于 0"
    assert english["message"] == "Input should be greater than or equal to 0"


@pytest.mark.parametrize("service", ["events", "risk_monitoring", "inspection", "survey"])
def test_every_enumeration_of_the_api_carries_its_declared_labels(service: str) -> None:
    labelled = {
        name: schema
        for name, schema in openapi_document(service)["components"]["schemas"].items()
        if "x-enum-labels" in schema
    }
    assert labelled
    declared = labelled_enums()
    for schema in labelled.values():
        assert any(
            schema["x-enum-labels"] == {m.value: m.label_zh for m in cls}
            for cls in declared[schema["title"]]
        )
    if service != "survey":
        venue = labelled["VenueType"]["x-enum-labels"]
        assert venue == {v.value: v.label_zh for v in VenueType}


def test_the_events_schemas_stay_bare() -> None:
    assert "x-enum-labels" not in str(current_schemas())
