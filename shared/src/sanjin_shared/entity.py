"""The base of a domain entity: a declared record plus the events its last change raised."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from sanjin_shared.events.envelope import DomainEvent


class Entity(BaseModel):
    """Mixed into a record's declaration by the domain (`class Activity(ActivityRecord, Entity)`).

    The events are not part of the record's value: two records with the same fields are equal
    whatever events they carry (a record read back equals the one that was written)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    events: tuple[DomainEvent, ...] = Field(default=(), exclude=True, repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entity) or type(other) is not type(self):
            return NotImplemented
        return _value(self) == _value(other)

    def __hash__(self) -> int:
        return hash(tuple(_value(self).items()))

    @classmethod
    def new(cls, **fields: Any) -> Self:
        """A new record of values a command has validated already: the domain checks its own
        rules on it, and answers with its own errors (not validated again here)."""
        return cls.model_construct(**fields)

    def but(self, **changes: Any) -> Self:
        """A copy with `changes`, which are valid values already (not validated again)."""
        return self.model_copy(update=changes)

    def raised(self, *events: DomainEvent) -> Self:
        """This record with the events its last change raised."""
        return self.model_copy(update={"events": events})


def _value(entity: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in entity.__dict__.items() if k != "events"}
