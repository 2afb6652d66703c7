"""Validation errors in the words an officer reads (Chinese), one catalogue for every place that
shows them: the workbook import's cell errors and the API's 422 answers to a request that asks for
Chinese (`Accept-Language: zh`, as the web application sends when its language is Chinese).
A program that sends no such header keeps pydantic's English messages (the contract's)."""

from __future__ import annotations

from typing import Any

MESSAGES = {
    "missing": "必填，不能为空",
    "string_too_short": "不能为空",
    "string_too_long": "不能超过 {max_length} 个字",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "date_parsing": "应为日期，例如 2019-09-15",
    "date_type": "应为日期，例如 2019-09-15",
    "date_from_datetime_inexact": "应为日期，不带时间",
    "enum": "应从下拉列表中选择",
    "literal_error": "应从下拉列表中选择",
    "bool_parsing": "应填“是”或“否”",
    "bool_type": "应填“是”或“否”",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "extra_forbidden": "不应填写此列",
}
VALUE_ERRORS = {
    "not a mainland mobile": "不是有效的电话号码（11 位手机号或 0 开头的固定电话）",
    "a name is required": "必填，不能为空",
    "a name has at most": "姓名过长",
    "a name has letters": "姓名只能包含文字和分隔符 · - ' .",
    "unknown reporting unit": "不是 32 个报送单位之一",
}


def chinese_message(problem: dict[str, Any]) -> str:
    """A pydantic error as a sentence an officer reads (Chinese), with the limits it names."""
    kind = problem.get("type", "")
    context = problem.get("ctx") or {}
    template = MESSAGES.get(kind)
    if template is not None:
        try:
            return template.format(**context)
        except (KeyError, IndexError):
            return template.split("{")[0].rstrip() or "填写有误"
    if kind == "value_error":
        text = str(context.get("error", problem.get("msg", "")))
        for english, chinese in VALUE_ERRORS.items():
            if english in text:
                return chinese
        return f"填写有误：{text}"
    return f"填写有误（{problem.get('msg', kind)}）"


def prefers_chinese(accept_language: str | None) -> bool:
    """Whether an Accept-Language header puts Chinese before English (`zh-CN,zh;q=0.9,en;q=0.8`
    does; `en-US,en;q=0.9` and no header do not). Ranked by q, then by order."""
    if not accept_language:
        return False
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            ranked.append((-quality, index, tag.strip().lower()))
    for negated_quality, _, tag in sorted(ranked):
        if negated_quality == 0:  # q=0: "not acceptable"
            break
        if tag == "zh" or tag.startswith("zh-"):
            return True
        if tag == "en" or tag.startswith("en-") or tag == "*":
            return False
    return False
