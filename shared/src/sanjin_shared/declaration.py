"""How a record type is declared once, and what is derived from its declaration.

A record type (an activity, a monitoring point, a booking...) declares its fields once, as a
frozen pydantic model in `sanjin_shared.declarations`: each field with its type and constraints,
its Chinese label (`title`), a `description` and `examples`. Everything else is derived:

- the domain entity subclasses the declaration (and `sanjin_shared.entity.Entity`) and adds
  only behaviour;
- the API's request bodies subclass the part a caller writes, its responses the whole record
  (`Shown`), so OpenAPI shows the labels, descriptions and examples;
- the stored document is `to_document` / `from_document` (the repository base uses them);
- the state an event carries is taken from the record by `state_of`. The event's state model
  itself (`sanjin_shared.events`) stays a class of its own: it is a published contract with a
  JSON Schema snapshot and a version, so it names the fields it carries with their bare types
  (no labels, no input constraints: an event is never refused on decoding because an input
  rule was tightened after it was written). `tests/unit/test_declarations.py` checks that each
  of its fields has the type its declaration gives, where the meaning is the same;
- list filters (`sanjin_shared.filters`) and export columns (`columns`) name declared fields.

Hand-written mapping remains only where the meaning differs (counters kept by the database,
masked personal data), each with a comment saying why.
"""

from __future__ import annotations

import enum
import functools
import operator
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

M = TypeVar("M", bound=BaseModel)


class Declared(BaseModel):
    """Base of every declaration: frozen values; an unknown field is an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Shown(BaseModel):
    """Base of a response body derived from a declaration: every field is listed as required in
    the OpenAPI document (a response always carries them, `null` where empty)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


# -- the stored document ----------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as BSON keeps it: enumerations by value, calendar dates as ISO text (so they sort
    and compare as text in queries), tuples as arrays; times stay BSON dates."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def to_document(record: BaseModel) -> dict[str, Any]:
    """The MongoDB document of a declared record: its fields, `id` stored as `_id`."""
    doc: dict[str, Any] = plain(record.model_dump(exclude={"events"}))
    doc["_id"] = doc.pop("id")
    return doc


def from_document(model: type[M], doc: Mapping[str, Any]) -> M:
    """The declared record a document holds (the document's bookkeeping, such as `fingerprint`
    and `created_at`, and any field the declaration does not name, is left aside)."""
    values = {name: doc[name] for name in model.model_fields if name in doc}
    values["id"] = doc["_id"]
    return model.model_validate(values)


# -- a change of some fields -------------------------------------------------------------------------


def changes_of(
    name: str, declaration: type[BaseModel], fields: Iterable[str], *, doc: str
) -> type[Declared]:
    """The model of a change of some of a record's fields (a PATCH body): each named field with
    its declared type, constraints and labels, but optional; what is not sent keeps its value."""
    definitions: dict[str, Any] = {}
    for field_name in fields:
        info = declaration.model_fields[field_name]
        kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        definitions[field_name] = (
            typing.Optional[kind],  # noqa: UP045 - `kind` is a runtime value, not a type
            Field(
                default=None, title=info.title, description=info.description, examples=info.examples
            ),
        )
    model: type[Declared] = create_model(name, __base__=Declared, __doc__=doc, **definitions)
    return model


# -- the event's state payload ----------------------------------------------------------------------

S = TypeVar("S", bound=BaseModel)


def bare(annotation: Any) -> Any:
    """A type without its constraints and metadata (`Annotated[str, ...]` -> `str`), inside
    containers and unions too; a record's immutable `tuple[X, ...]` is the event's `list[X]`."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return bare(typing.get_args(annotation)[0])
    args = typing.get_args(annotation)
    if not args:
        return annotation
    if origin is types.UnionType or origin is typing.Union:
        return functools.reduce(operator.or_, (bare(a) for a in args))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return list.__class_getitem__(bare(args[0]))
    return origin[tuple(bare(a) for a in args)]


def state_of(state: type[S], record: BaseModel, **values: Any) -> S:
    """The state an event carries, taken from a record (`values` for what is computed)."""
    taken = record.model_dump(include=set(state.model_fields) - set(values))
    return state.model_validate(plain(taken) | values)


# -- columns of exports and templates ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table made from a declaration: the field, its Chinese label, and its
    enumeration (with the members' Chinese labels) when it has one."""

    name: str
    title: str
    description: str | None
    enumeration: type[enum.Enum] | None


def columns(declaration: type[BaseModel], names: Iterable[str] | None = None) -> list[Column]:
    chosen = list(names) if names is not None else list(declaration.model_fields)
    out = []
    for name in chosen:
        info = declaration.model_fields[name]
        out.append(
            Column(name, info.title or name, info.description, _enumeration(info.annotation))
        )
    return out


def _enumeration(annotation: Any) -> type[enum.Enum] | None:
    kind = bare(annotation)
    candidates = [kind, *typing.get_args(kind)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    return None
