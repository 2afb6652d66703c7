"""Every domain refusal an officer reads (RuleViolation, InvalidTransition) is written in Chinese
where it is raised: read from the source, so a new English message cannot slip in anywhere."""

from __future__ import annotations

import ast
import re

from sanjin_devstack.paths import REPO

CHINESE = re.compile(r"[\u4e00-\u9fff]")
REFUSALS = {"RuleViolation", "InvalidTransition"}


def _text(node: ast.expr) -> str:
    """The literal text of a message: a string, or an f-string's literal parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) for part in node.values if isinstance(part, ast.Constant))
    return ""


def test_every_refusal_message_is_chinese() -> None:
    english: list[str] = []
    raised = 0
    for path in [*REPO.glob("services/*/src/**/*.py"), *REPO.glob("shared/src/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            if not (isinstance(func, ast.Name) and func.id in REFUSALS and node.exc.args):
                continue
            raised += 1
            text = _text(node.exc.args[-1])
            if not CHINESE.search(text) or re.search(r"\b(the|is|cannot|must|a)\b", text):
                english.append(f"{path.relative_to(REPO)}:{node.lineno}: {text!r}")
    assert raised > 50  # the scan finds the raise sites
    assert english == []
