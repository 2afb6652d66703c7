"""What every use case knows about the request, and how events are wrapped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sanjin_shared.auth import Principal
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope

PRODUCER = "risk_monitoring"


@dataclass(frozen=True, slots=True)
class RequestContext:
    principal: Principal
    correlation_id: str


def wrap(
    events: tuple[DomainEvent, ...], version: int, ctx: RequestContext, now: datetime
) -> list[EventEnvelope]:
    return [
        EventEnvelope.wrap(
            event,
            producer=PRODUCER,
            aggregate_version=version,
            correlation_id=ctx.correlation_id,
            causation_id=ctx.correlation_id,
            time=now,
        )
        for event in events
    ]
