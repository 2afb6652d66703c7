"""Typed filters of the services' lists. A resource's filter (in its service's adapters) names
the declared fields a list may be narrowed by; `query()` makes the MongoDB query of it, so no
query is built outside the adapters."""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from sanjin_shared.auth import Principal, Role
from sanjin_shared.declaration import plain


class DateSpan(BaseModel):
    """From `start` to `end`, both included; either may be open. (Calendar dates are stored as
    ISO text, which orders as the dates do; times are stored as times.)"""

    model_config = ConfigDict(frozen=True)

    start: date | None = None
    end: date | None = None

    def bounds(self) -> dict[str, Any]:
        return {
            **({"$gte": plain(self.start)} if self.start is not None else {}),
            **({"$lte": plain(self.end)} if self.end is not None else {}),
        }


class RecordFilter(BaseModel):
    """Base of a list's filter: each field that is not None narrows the list to records whose
    stored field of that name equals it (a `DateSpan`: lies within it)."""

    model_config = ConfigDict(frozen=True)

    province: str | None = None

    def for_caller(self, principal: Principal) -> Self:
        """A province sees only its own records, whatever it asks for."""
        if principal.role is Role.province:
            return self.model_copy(update={"province": principal.province})
        return self

    def query(self) -> dict[str, Any]:
        query: dict[str, Any] = {}
        for name, value in self:
            if isinstance(value, DateSpan):
                if bounds := value.bounds():
                    query[name] = bounds
            elif value is not None:
                query[name] = plain(value)
        return query
