from sanjin_shared.events.catalogue import CATALOGUE, UnknownEvent, decode
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope

__all__ = ["CATALOGUE", "DomainEvent", "EventEnvelope", "UnknownEvent", "decode"]
