"""The columns of a record type's sheet, derived from its pydantic models (one declaration).

A sheet is made of parts: the record's create schema first, then optional groups of fields
(an activity row may carry its report). Each field of a part becomes a column:

- its title is the field's `title` (the Chinese name the model declares), else its name;
- a `LabelledEnum` field becomes a drop-down list of the members' Chinese labels;
- a list of a `LabelledEnum` becomes one 是/否 column per member (a cell holds one choice);
- dates, integers, booleans and text keep their type.

The reader and the writers use the same columns, so a template, an import and an export can
never disagree about what a column means.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sanjin_shared.reference import LabelledEnum

YES, NO = "是", "否"


class Kind:
    text = "text"
    integer = "integer"
    number = "number"
    date = "date"
    boolean = "boolean"
    choice = "choice"  # one of `choices`
    member = "member"  # 是/否: whether the list field `field` holds `member`
    texts = "texts"  # a list of text, separated by 、 or ;


@dataclass(frozen=True, slots=True)
class Column:
    part: int  # index of the model in the sheet's parts
    field: str  # the model's field name
    title: str  # the header cell
    kind: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()  # (value, Chinese label)
    member: str | None = None  # for Kind.member: the enumeration value this column stands for
    description: str = ""
    example: Any = None
    constraints: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def labels(self) -> tuple[str, ...]:
        if self.kind == Kind.member:
            return (YES, NO)
        return tuple(label for _, label in self.choices)


@dataclass(frozen=True, slots=True)
class Part:
    model: type[BaseModel]
    optional: bool = False  # the whole group may be left empty in a row
    exclude: frozenset[str] = frozenset()
    title: str = ""  # a prefix for the instructions, e.g. 活动报告


@dataclass(frozen=True, slots=True)
class RecordSheet:
    """A record type as a sheet: its name (Chinese), its parts and one example row."""

    name: str
    parts: tuple[Part, ...]
    example: tuple[dict[str, Any], ...] = ()  # per part: field -> value (enum values, not labels)
    notes: tuple[str, ...] = ()  # lines added to the instructions sheet
    key: str = "external_id"  # the field that identifies a row across uploads (编号)

    @property
    def columns(self) -> tuple[Column, ...]:
        return columns_of(self)


def columns_of(sheet: RecordSheet) -> tuple[Column, ...]:
    out: list[Column] = []
    for index, part in enumerate(sheet.parts):
        example = sheet.example[index] if index < len(sheet.example) else {}
        for name, info in part.model.model_fields.items():
            if name in part.exclude:
                continue
            for column in _columns(index, name, info, example.get(name), part.optional):
                if index == 0 and name == sheet.key:  # every row needs its 编号
                    column = replace(column, required=True)
                out.append(column)
    return tuple(out)


def _columns(
    part: int, name: str, info: FieldInfo, example: Any, optional_part: bool
) -> list[Column]:
    annotation, nullable = _unwrap_optional(info.annotation)
    required = info.is_required() and not nullable and not optional_part
    title = info.title or name
    description = info.description or ""
    if example is None and info.examples:
        example = info.examples[0]
    constraints = _constraints(info)
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        (inner,) = get_args(annotation)[:1] or (str,)
        choices = _choices(inner)
        if choices:
            chosen = set(example or ())
            return [
                Column(
                    part=part,
                    field=name,
                    title=f"{title}：{label}",
                    kind=Kind.member,
                    required=False,
                    member=value,
                    description=description,
                    example=YES if value in chosen else NO,
                )
                for value, label in choices
            ]
        return [
            Column(
                part=part,
                field=name,
                title=title,
                kind=Kind.texts,
                required=required,
                description=description,
                example="、".join(example) if isinstance(example, list | tuple) else example,
                constraints=constraints,
            )
        ]
    choices = _choices(annotation)
    if choices:
        kind = Kind.choice
    elif annotation is bool:
        kind = Kind.boolean
    elif annotation is int:
        kind = Kind.integer
    elif annotation is float:
        kind = Kind.number
    elif annotation in (date, datetime):
        kind = Kind.date
    else:
        kind = Kind.text
    return [
        Column(
            part=part,
            field=name,
            title=title,
            kind=kind,
            required=required,
            choices=choices,
            description=description,
            example=example,
            constraints=constraints,
        )
    ]


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(get_args(annotation))
        if len(args) == 1:
            return _strip_annotated(args[0]), nullable
    return _strip_annotated(annotation), False


def _strip_annotated(annotation: Any) -> Any:
    while hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
    return annotation


def _choices(annotation: Any) -> tuple[tuple[str, str], ...]:
    annotation = _strip_annotated(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(
            (str(m.value), m.label_zh if isinstance(m, LabelledEnum) else str(m.value))
            for m in annotation
        )
    if get_origin(annotation) is Literal:
        return tuple((str(v), str(v)) for v in get_args(annotation))
    return ()


def _constraints(info: FieldInfo) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for meta in info.metadata:
        for key in ("min_length", "max_length", "ge", "le", "gt", "lt"):
            value = getattr(meta, key, None)
            if value is not None:
                found[key] = value
    annotation = info.annotation
    for arg in get_args(annotation) or (annotation,):
        for meta in getattr(arg, "__metadata__", ()):
            for key in ("min_length", "max_length"):
                value = getattr(meta, key, None)
                if value is not None:
                    found.setdefault(key, value)
    return found
