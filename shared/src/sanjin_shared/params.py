"""Request parameters every intake API takes the same way: the `Idempotency-Key` header, list
`limit` and `cursor`, and filters turned into MongoDB queries. (`sees_personal_data` is the
rule of personal.py, importable from here as the routes did.)"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Header, Query

from sanjin_shared.idempotency import MAX_KEY_LENGTH
from sanjin_shared.pagination import MAX_LIMIT
from sanjin_shared.personal import sees_personal_data

__all__ = ["Cursor", "IdempotencyKey", "Limit", "date_span", "filters", "sees_personal_data"]

IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=MAX_KEY_LENGTH)
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=500, description="From the previous page")]


def filters(**given: Any) -> dict[str, Any]:
    """The filters that were given, as a MongoDB query (enums by value)."""
    return {k: (v.value if hasattr(v, "value") else v) for k, v in given.items() if v is not None}


def date_span(field: str, start: date | None, end: date | None) -> dict[str, Any]:
    """A filter on an ISO date field, both ends included."""
    span = {
        **({"$gte": start.isoformat()} if start else {}),
        **({"$lte": end.isoformat()} if end else {}),
    }
    return {field: span} if span else {}
