"""Request parameters every intake API takes the same way: the `Idempotency-Key` header, list
`limit` and `cursor`; and who sees personal data. (A list's filters are typed objects of the
service's adapters, see `sanjin_shared.filters`.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query

from sanjin_shared.auth import Principal, Role
from sanjin_shared.idempotency import MAX_KEY_LENGTH
from sanjin_shared.pagination import MAX_LIMIT

IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=MAX_KEY_LENGTH)
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=500, description="From the previous page")]


def sees_personal_data(principal: Principal, province: str) -> bool:
    """The owning province and admin see names and phones in full; everyone else masked."""
    return principal.role is Role.admin or (
        principal.role is Role.province and principal.province == province
    )
