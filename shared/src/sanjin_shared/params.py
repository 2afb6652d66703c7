"""Request parameters every intake API takes the same way: the `Idempotency-Key` header, list
`limit` and `cursor`. (A list's filters are typed objects of the service's adapters, see
`sanjin_shared.filters`; `sees_personal_data` is the rule of personal.py, importable from here
as the routes did.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query

from sanjin_shared.idempotency import MAX_KEY_LENGTH
from sanjin_shared.pagination import MAX_LIMIT
from sanjin_shared.personal import sees_personal_data

__all__ = ["Cursor", "IdempotencyKey", "Limit", "sees_personal_data"]

IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=MAX_KEY_LENGTH)
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=500, description="From the previous page")]
