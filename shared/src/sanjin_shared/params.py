"""Request parameters every intake API takes the same way: the `Idempotency-Key` header, list
`limit` and `cursor`, and filters turned into MongoDB queries; and who sees personal data."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Header, Query

from sanjin_shared.auth import Principal, Role
from sanjin_shared.idempotency import MAX_KEY_LENGTH
from sanjin_shared.pagination import MAX_LIMIT

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


def sees_personal_data(principal: Principal, province: str) -> bool:
    """The owning province and admin see names and phones in full; everyone else masked."""
    return principal.role is Role.admin or (
        principal.role is Role.province and principal.province == province
    )
