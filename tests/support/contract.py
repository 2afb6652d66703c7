"""Reads the public contract (docs/api.md): the operations of each service's section, with the body
and response fields written after them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sanjin_devstack.paths import REPO

CONTRACT = REPO / "docs" / "api.md"


@dataclass
class Operation:
    method: str
    path: str  # path parameters normalised to {}
    body: list[str] = field(default_factory=list)
    response: list[str] = field(default_factory=list)


def normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _strip_parentheses(text: str) -> str:
    return re.sub(r"\([^()]*\)", "", text)


def section(title_prefix: str) -> str:
    text = CONTRACT.read_text()
    parts = re.split(r"^## ", text, flags=re.M)
    for part in parts:
        if part.startswith(title_prefix):
            return part
    raise KeyError(title_prefix)


def operations(title_prefix: str) -> list[Operation]:
    """The operations a section names, each with the body and response fields written after it.

    A bullet may name several operations; each owns the text up to the next one. Paths written
    `.../x` continue the previous path (`.../return` after `.../approve` is its sibling), and a
    bare `.../x` takes the method of the operation before it. `A` and `B` body ... gives the
    body to both.
    """
    ops: list[Operation] = []
    bullets = re.split(r"^- ", section(title_prefix), flags=re.M)[1:]
    for bullet in bullets:
        bullet = " ".join(bullet.split())
        marks = list(_MENTION.finditer(bullet))
        found: list[tuple[Operation, str]] = []
        method, previous = "", ""
        for i, mark in enumerate(marks):
            method = mark.group(1) or method
            path = _expand(mark.group(2), previous)
            previous = path
            end = marks[i + 1].start() if i + 1 < len(marks) else len(bullet)
            text = bullet[mark.end() : end]
            found.append((Operation(method, normalise(path)), text))
        for i, (op, _text) in enumerate(found):
            j = i
            while found[j][1].strip() in ("and", ",") and j + 1 < len(found):
                j += 1  # "`A` and `B` body x": A's fields are written after B
            op.body, op.response = _fields(found[j][1])
            ops.append(op)
    return ops


_MENTION = re.compile(r"`(?:(GET|POST|PUT|DELETE|PATCH) )?((?:\.\.\.)?/[^`\s]+)`")


def _expand(path: str, previous: str) -> str:
    """`.../statistics.xlsx` after `/v1/campaigns/{c}/statistics/{p}` is
    `/v1/campaigns/{c}/statistics.xlsx`; `.../return` after `.../approve` replaces it."""
    if not path.startswith("..."):
        return path
    rest = path[3:]
    first = rest.strip("/").split("/")[0].split(".")[0]
    segments = previous.split("/")
    for k in range(len(segments) - 1, 0, -1):
        if segments[k].split(".")[0] == first:
            return "/".join(segments[:k]) + rest
    return "/".join(segments[:-1]) + rest


def _fields(text: str) -> tuple[list[str], list[str]]:
    body = ""
    labelled = re.search(r"Body(?: \([^)]*\))?:", text)
    if labelled:
        body = text[labelled.end() :]
    elif " body " in f" {text}":
        body = f" {text}".split(" body ", 1)[1].split("→")[0]
    body_fields = re.findall(r"`([a-z_]+)`", _strip_parentheses(body))
    response: list[str] = []
    braces = re.search(r"→[^`]*`\{([^`]*)\}`", text)
    if braces:
        response = [
            part.split(":")[0].strip()
            for part in _top_level(braces.group(1))
            if re.match(r"^\s*[a-z_0-9]+\s*(:|$)", part)
        ]
    return body_fields, response


def _top_level(text: str) -> list[str]:
    """Split `a, b: {c, d}, e` at the commas outside braces and brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def metrics() -> list[str]:
    text = " ".join(section("aggregator").split())
    listed = text.split("METRICS (all integers except the index):", 1)[1].split(". - ")[0]
    return re.findall(r"`([a-z_]+)`", listed)
