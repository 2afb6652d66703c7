"""The types every service's API shares: strict request bodies, the common text fields, and the
page of a list. Declared once here; the record declarations (`sanjin_shared.declarations`) and
the services' schemas use them."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A name or title: 1 to 200 characters, surrounding spaces removed."""

Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""A city or county name: 1 to 100 characters."""

CAMPAIGN_ID_PATTERN = r"^[0-9A-Za-z_-]{1,32}$"
CampaignId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CAMPAIGN_ID_PATTERN)]
"""A campaign's id, such as `2019` (letters, digits, `_` and `-`, at most 32)."""

ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""The id a provincial system gives a record: a create under it happens once."""


class Strict(BaseModel):
    """Base of a request body: an unknown field is a 422 naming it, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list in a stable order; `next_cursor` continues it (null: the list ends)."""

    items: list[T]
    next_cursor: str | None
