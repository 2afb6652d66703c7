"""Bulk import of docs/api.md: `POST <collection>:batch` with up to 1,000 items, `?dry_run=true`,
and an import summary `{created, updated, ignored, conflicts: [{index, detail}]}`.

Items are validated one by one, so a bad item becomes a conflict naming its index and field and
does not stop the good ones. Each service decides what created/updated/ignored mean for its
records; this module holds the shapes and the per-item validation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanjin_shared.errors import DomainError, RuleViolation
from sanjin_shared.problems import Problem, problem_type, validation_errors

MAX_BATCH_ITEMS = 1000
M = TypeVar("M", bound=BaseModel)


class BatchRequest(BaseModel):
    """The items are checked one at a time by the endpoint, not all-or-nothing here. The envelope
    itself is strict: a field it does not know (`dry_run` in the body instead of the query, a
    misspelt `item`) is a 422 naming it, and nothing is written; ignoring it would commit what
    the caller meant as a dry run."""

    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class ItemStatus(StrEnum):
    created = "created"
    updated = "updated"
    ignored = "ignored"  # identical to what is stored: nothing to do
    conflict = "conflict"


class ItemConflict(BaseModel):
    index: int
    detail: str
    field: str | None = None
    external_id: str | None = None
    type: str | None = Field(
        default=None, description="The problem type of a refusal, e.g. urn:sanjin:problem:..."
    )

    @classmethod
    def of_error(
        cls,
        index: int,
        error: Exception,
        *,
        default_field: str | None = None,
        external_id: str | None = None,
    ) -> ItemConflict:
        """The conflict for an item a use case refused: a rule, a state or a problem."""
        field, detail, kind = default_field, str(error), None
        if isinstance(error, RuleViolation):
            field, detail = error.field, error.message
        elif isinstance(error, DomainError):
            detail = error.message
        elif isinstance(error, Problem):
            named = error.extensions.get("errors") or [{}]
            field, detail = named[0].get("field") or default_field, error.detail
            kind = problem_type(error.slug)
        return cls(index=index, field=field, detail=detail, external_id=external_id, type=kind)


class ItemResult(BaseModel):
    index: int
    status: ItemStatus
    id: str | None = None
    external_id: str | None = None


class ImportSummary(BaseModel):
    dry_run: bool
    created: int
    updated: int
    ignored: int
    conflicts: list[ItemConflict]
    items: list[ItemResult]

    @classmethod
    def of(
        cls, results: list[ItemResult], conflicts: list[ItemConflict], *, dry_run: bool
    ) -> ImportSummary:
        """The summary of the items that went through (`results`) and of those that did not."""
        results = results + [
            ItemResult(index=c.index, status=ItemStatus.conflict, external_id=c.external_id)
            for c in conflicts
        ]
        count = {s: sum(1 for r in results if r.status is s) for s in ItemStatus}
        return cls(
            dry_run=dry_run,
            created=count[ItemStatus.created],
            updated=count[ItemStatus.updated],
            ignored=count[ItemStatus.ignored],
            conflicts=sorted(conflicts, key=lambda c: c.index),
            items=sorted(results, key=lambda r: r.index),
        )


def validate_items(
    raw: list[dict[str, Any]], model: type[M]
) -> tuple[list[tuple[int, M]], list[ItemConflict]]:
    """Validate each item on its own; invalid ones become conflicts naming their first bad field."""
    good: list[tuple[int, M]] = []
    bad: list[ItemConflict] = []
    for index, item in enumerate(raw):
        try:
            good.append((index, model.model_validate(item)))
        except ValidationError as exc:
            errors = validation_errors([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])
            fields = sorted({e["field"] for e in errors})
            bad.append(
                ItemConflict(
                    index=index,
                    field=fields[0] if fields else None,
                    detail="; ".join(f"{e['field']}: {e['message']}" for e in errors),
                    external_id=_external_id(item),
                )
            )
    return good, bad


def _external_id(item: Any) -> str | None:
    """The item's external id when it has a usable one (it may be anything in a bad item)."""
    value = item.get("external_id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None
