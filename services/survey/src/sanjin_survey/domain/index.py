"""The satisfaction index, ACSI-style, 0–100.

One response's index = 100 · Σ w·(x−1)/(m−1) / Σ w over the questions it answered (x the score,
m the question's scale, w its weight). A survey's (a province's, the nation's) index is the mean
over responses, with a 95% interval mean ± 1.96·sd/√n (sd: the sample standard deviation), and
is `unstable` when n < 20 or the coefficient of variation of the estimate, (sd/√n)/mean, exceeds
0.33 (the NEISS rule).

Estimates are kept incrementally as (n, Σ index, Σ index²): adding a response is three
additions, and the result never needs the responses themselves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_STABLE_N = 20
MAX_STABLE_CV = 0.33
Z95 = 1.96


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    dimension: str
    scale_max: int  # 5, 7 or 10
    weight: float
    required: bool = True


def response_index(questions: Sequence[Question], answers: Mapping[str, int]) -> float | None:
    """The index of one response over the questions it answered (None if it answered none)."""
    num = den = 0.0
    for q in questions:
        if q.id in answers:
            num += q.weight * (answers[q.id] - 1) / (q.scale_max - 1)
            den += q.weight
    return 100.0 * num / den if den else None


def dimension_indices(
    questions: Sequence[Question], answers: Mapping[str, int]
) -> dict[str, float]:
    """The index of one response per dimension, over that dimension's answered questions."""
    out: dict[str, float] = {}
    for dimension in dict.fromkeys(q.dimension for q in questions):
        value = response_index([q for q in questions if q.dimension == dimension], answers)
        if value is not None:
            out[dimension] = value
    return out


@dataclass(frozen=True, slots=True)
class Moments:
    """n, Σx, Σx² of a set of indices: enough for the mean, the interval and the flag."""

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def add(self, x: float) -> Moments:
        return Moments(self.n + 1, self.total + x, self.total_sq + x * x)

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)


@dataclass(frozen=True, slots=True)
class Estimate:
    n: int
    index: float | None
    ci95: tuple[float, float] | None
    unstable: bool


def estimate(m: Moments) -> Estimate:
    if m.n == 0:
        return Estimate(0, None, None, True)
    mean = m.total / m.n
    if m.n > 1:
        variance = max(0.0, (m.total_sq - m.n * mean * mean) / (m.n - 1))
        sd = math.sqrt(variance)
    else:
        sd = 0.0
    se = sd / math.sqrt(m.n)
    cv = se / mean if mean > 0 else math.inf if se > 0 else 0.0
    unstable = m.n < MIN_STABLE_N or cv > MAX_STABLE_CV
    return Estimate(
        m.n,
        round(mean, 2),
        (round(mean - Z95 * se, 2), round(mean + Z95 * se, 2)),
        unstable,
    )
