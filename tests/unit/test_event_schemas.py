"""The event envelope and every event's JSON Schema match the checked-in snapshots.

An intended change to an event writes a new snapshot (`uv run sanjin schemas`); an incompatible
change must also raise the event's `schema_version`, which adds a file instead of editing one.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import jsonschema
import pytest

from sanjin_shared.events.catalogue import CATALOGUE, SCHEMA_DIR, current_schemas, decode
from sanjin_shared.events.envelope import EventEnvelope
from tests.support.factories import activity_state, envelope


@pytest.mark.parametrize("filename", sorted(current_schemas()))
def test_schema_matches_its_snapshot(filename: str) -> None:
    path = SCHEMA_DIR / filename
    assert path.exists(), f"no snapshot {filename}: run `uv run sanjin schemas` and commit it"
    assert json.loads(path.read_text()) == current_schemas()[filename], (
        f"{filename} changed; if intended, run `uv run sanjin schemas` (and raise schema_version "
        "for an incompatible change)"
    )


def test_no_snapshot_is_orphaned() -> None:
    on_disk = {p.name for p in SCHEMA_DIR.glob("*.json")}
    assert on_disk >= set(current_schemas())


def test_event_names_are_past_tense_facts() -> None:
    for name in CATALOGUE:
        assert name[0].isupper()
        assert name.endswith(("ed", "Sent", "Held")), f"{name} is not in the past tense"


def test_an_envelope_validates_against_its_schemas_and_round_trips() -> None:
    from sanjin_shared.events.activities import ActivityReported

    env = envelope(ActivityReported(activity=activity_state("2019")), version=2)
    raw = json.loads(env.to_json())
    jsonschema.validate(raw, json.loads((SCHEMA_DIR / "EventEnvelope.json").read_text()))
    jsonschema.validate(
        raw["payload"], json.loads((SCHEMA_DIR / "ActivityReported.v1.json").read_text())
    )
    again = EventEnvelope.from_json(env.to_json())
    assert again == env
    assert decode(again) == ActivityReported(
        activity=activity_state("2019", activity_id=env.aggregate_id)
    )


def test_envelope_refuses_unknown_fields_and_naive_times() -> None:
    base = {
        "id": str(uuid.uuid4()),
        "type": "ActivityScheduled",
        "version": 1,
        "time": datetime.now(UTC).isoformat(),
        "producer": "events",
        "aggregate_type": "activity",
        "aggregate_id": "a1",
        "aggregate_version": 1,
        "correlation_id": "c",
        "payload": {},
    }
    EventEnvelope.model_validate(base)
    with pytest.raises(ValueError):
        EventEnvelope.model_validate({**base, "extra": 1})
    with pytest.raises(ValueError):
        EventEnvelope.model_validate({**base, "time": "2019-09-01T10:00:00"})
    with pytest.raises(ValueError):
        EventEnvelope.model_validate({**base, "aggregate_version": 0})
