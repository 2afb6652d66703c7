"""The one event envelope every service publishes, and the base class of domain events.

A domain event is a past-tense fact about one aggregate. It travels inside the envelope:

    id, type, version (of the payload schema), time, producer,
    aggregate_type, aggregate_id, aggregate_version, correlation_id, causation_id, payload

Events carry the aggregate's state after the change ("event-carried state transfer"), so a
consumer that sees version 7 of an aggregate needs nothing from versions 1..6 and can ignore any
older or repeated version it receives later.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PositiveInt

Upcaster = Callable[[dict[str, Any], "EventEnvelope"], dict[str, Any]]


class DomainEvent(BaseModel):
    """Base of every event payload. Subclasses name their type, schema version and topic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    aggregate_type: ClassVar[str]
    topic: ClassVar[str]
    # version n -> the function that turns an envelope's payload of version n into version n + 1
    # (it may read the envelope, e.g. its time); decoding chains them up to `schema_version`
    upcasters: ClassVar[dict[int, Upcaster]] = {}

    def aggregate_id(self) -> str:  # pragma: no cover - every concrete event overrides it
        raise NotImplementedError

    def partition_key(self) -> str:
        """The Kafka key: events of one aggregate stay in one partition, in order."""
        return self.aggregate_id()


class EventEnvelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    type: str = Field(min_length=1, max_length=100)
    version: PositiveInt
    time: AwareDatetime
    producer: str = Field(min_length=1, max_length=50)
    aggregate_type: str = Field(min_length=1, max_length=50)
    aggregate_id: str = Field(min_length=1, max_length=200)
    aggregate_version: PositiveInt
    correlation_id: str = Field(min_length=1, max_length=200)
    causation_id: str | None = Field(default=None, max_length=200)
    payload: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        event: DomainEvent,
        *,
        producer: str,
        aggregate_version: int,
        correlation_id: str,
        causation_id: str | None = None,
        time: datetime | None = None,
        event_id: uuid.UUID | None = None,
    ) -> EventEnvelope:
        return cls(
            id=event_id or uuid.uuid4(),
            type=event.event_type,
            version=event.schema_version,
            time=time or datetime.now(UTC),
            producer=producer,
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id(),
            aggregate_version=aggregate_version,
            correlation_id=correlation_id,
            causation_id=causation_id,
            payload=event.model_dump(mode="json"),
        )

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> EventEnvelope:
        return cls.model_validate_json(raw)

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return [
            ("event_id", str(self.id).encode()),
            ("event_type", self.type.encode()),
            ("correlation_id", self.correlation_id.encode()),
            ("producer", self.producer.encode()),
        ]
