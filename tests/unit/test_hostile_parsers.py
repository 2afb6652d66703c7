"""Property tests of the two parsers that take what others send: the event envelope (what a
consumer reads from Kafka) and the per-item batch validation (what a province uploads). Neither
may fail in any way but the one its caller handles, whatever the input."""

from __future__ import annotations

import contextlib
from datetime import UTC
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sanjin_events.api.schemas import ActivityCreate
from sanjin_shared.batch import ImportSummary, validate_items
from sanjin_shared.events.catalogue import CATALOGUE, UnknownEvent, decode
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.limits import json_too_deep


def json_values(bits: int) -> st.SearchStrategy[Any]:
    """Any JSON value; integers up to `bits` bits (JSON has no limit, orjson writes 64)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2 ** (bits - 1)), max_value=2 ** (bits - 1) - 1)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=20)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )


any_json = json_values(80)  # what a client may send
wire_json = json_values(64)  # what a producer can write
ACTIVITY_FIELDS = list(ActivityCreate.model_fields)
activity_like = st.dictionaries(
    st.sampled_from([*ACTIVITY_FIELDS, "province", "status", "id", "x"]), any_json, max_size=12
)

envelopes = st.builds(
    EventEnvelope,
    id=st.uuids(),
    type=st.sampled_from(sorted(CATALOGUE)),
    version=st.integers(1, 3),
    time=st.datetimes(timezones=st.just(UTC)),
    producer=st.sampled_from(["events", "survey"]),
    aggregate_type=st.sampled_from(["activity", "survey"]),
    aggregate_id=st.text(min_size=1, max_size=30),
    aggregate_version=st.integers(1, 10_000),
    correlation_id=st.text(min_size=1, max_size=30),
    causation_id=st.none() | st.text(max_size=30),
    payload=st.dictionaries(st.text(max_size=10), wire_json, max_size=6),
)


@settings(suppress_health_check=[HealthCheck.too_slow])  # a shared, loaded machine
@given(envelopes)
def test_an_envelope_survives_its_own_wire_form(env: EventEnvelope) -> None:
    assert EventEnvelope.from_json(env.to_json()) == env


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | wire_json.map(orjson.dumps) | envelopes.map(lambda e: e.to_json()))
def test_any_bytes_either_decode_or_fail_as_the_consumer_expects(raw: bytes) -> None:
    """The consumer dead-letters a message whose envelope or payload does not validate; any
    other exception would be a bug that stops a partition."""
    try:
        env = EventEnvelope.from_json(raw)
    except ValidationError:
        return
    with contextlib.suppress(ValidationError, UnknownEvent):
        decode(env)


@given(st.lists(activity_like | any_json, max_size=30))
def test_batch_items_are_validated_one_by_one_whatever_they_are(raw: list[Any]) -> None:
    good, bad = validate_items(raw, ActivityCreate)  # type: ignore[arg-type]
    indices = sorted([i for i, _ in good] + [c.index for c in bad])
    assert indices == list(range(len(raw))), "every item is either accepted or a conflict"
    for conflict in bad:
        assert conflict.detail
        assert conflict.external_id is None or isinstance(conflict.external_id, str)
    summary = ImportSummary.of([], bad, dry_run=True)
    assert len(summary.conflicts) == len(bad)


@given(wire_json, st.integers(1, 40))
def test_json_depth_is_measured_exactly(value: Any, extra: int) -> None:
    nested: Any = value
    for _ in range(extra):
        nested = [nested]

    def depth(v: Any) -> int:
        if isinstance(v, dict):
            return 1 + max((depth(c) for c in v.values()), default=0)
        if isinstance(v, list):
            return 1 + max((depth(c) for c in v), default=0)
        return 0

    raw = orjson.dumps(nested)
    assert json_too_deep(raw, 32) == (depth(nested) > 32)


@pytest.mark.parametrize("external_id", [12, {"a": 1}, ["x"], 1.5, True])
def test_a_batch_item_with_an_odd_external_id_is_a_conflict_not_a_crash(external_id: Any) -> None:
    item = {"campaign": "2019", "external_id": external_id}
    good, bad = validate_items([item], ActivityCreate)
    assert not good and len(bad) == 1 and bad[0].external_id is None
