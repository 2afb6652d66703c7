"""The deterministic triage of a risk report.

severity none/minor → low, moderate → medium, severe → high, fatal → serious; one level higher
(capped at serious) when the victim is a child under 14; one level higher again when the same
product has been reported three times or more in the campaign (a "signal").
"""

from __future__ import annotations

import unicodedata

from sanjin_shared.reference import ProductCategory, RiskLevel, Severity

LEVELS = (RiskLevel.low, RiskLevel.medium, RiskLevel.high, RiskLevel.serious)
BASE = {
    Severity.none: RiskLevel.low,
    Severity.minor: RiskLevel.low,
    Severity.moderate: RiskLevel.medium,
    Severity.severe: RiskLevel.high,
    Severity.fatal: RiskLevel.serious,
}
CHILD_AGE = 14
SIGNAL_THRESHOLD = 3


def risk_level(severity: Severity, *, victim_age: int | None, signal: bool) -> RiskLevel:
    step = LEVELS.index(BASE[severity])
    if victim_age is not None and victim_age < CHILD_AGE:
        step += 1
    if signal:
        step += 1
    return LEVELS[min(step, len(LEVELS) - 1)]


def product_key(category: ProductCategory, brand: str, model: str) -> str:
    """The same product written with other case, width or spacing is the same product."""

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    return f"{category.value}|{norm(brand)}|{norm(model)}"
