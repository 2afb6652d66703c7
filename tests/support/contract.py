"""Reads the public contract (../shared/domain/CONTRACT.md): operations, body and response fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sanjin_devstack.paths import REPO

CONTRACT = REPO.parent / "shared" / "domain" / "CONTRACT.md"
_OPERATION = re.compile(r"`(GET|POST|PUT|DELETE|PATCH) (/[^`\s]+)`")
_SECOND_PATH = re.compile(r",\s*`(/[^`\s]+)`")


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
    ops: list[Operation] = []
    bullets = re.split(r"^- ", section(title_prefix), flags=re.M)[1:]
    for bullet in bullets:
        bullet = " ".join(bullet.split())
        found = [Operation(m, normalise(p)) for m, p in _OPERATION.findall(bullet)]
        if not found:
            continue
        body = ""
        labelled = re.search(r"Body(?: \([^)]*\))?:", bullet)
        if labelled:
            body = bullet[labelled.end() :]
        elif " body " in bullet:
            body = bullet.split(" body ", 1)[1].split("→")[0]
        body_fields = re.findall(r"`([a-z_]+)`", _strip_parentheses(body))
        response: list[str] = []
        braces = re.search(r"→[^`]*`\{([^`]*)\}`", bullet)
        if braces:
            response = [
                part.split(":")[0].strip()
                for part in _top_level(braces.group(1))
                if re.match(r"^\s*[a-z_0-9]+\s*(:|$)", part)
            ]
        found[0].body = body_fields
        found[0].response = response
        ops.extend(found)
    return ops


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


def exists() -> bool:
    return Path(CONTRACT).exists()
