"""The satisfaction index, its interval and the unstable flag, against hand-computed values."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanjin_survey.domain.index import (
    Moments,
    Question,
    dimension_indices,
    estimate,
    response_index,
)

Q = [
    Question(id="q1", text="质量", dimension="quality", scale_max=5, weight=2.0),
    Question(id="q2", text="安全", dimension="safety", scale_max=7, weight=1.0),
    Question(id="q3", text="标识", dimension="labelling", scale_max=10, weight=1.0, required=False),
]


def test_one_response_by_hand() -> None:
    # q1: 2·(4−1)/4 = 1.5; q2: 1·(7−1)/6 = 1.0; q3: 1·(1−1)/9 = 0 → 100·2.5/4 = 62.5
    assert response_index(Q, {"q1": 4, "q2": 7, "q3": 1}) == pytest.approx(62.5)
    # optional q3 unanswered: 100·(1.5 + 1.0)/3 = 83.333…
    assert response_index(Q, {"q1": 4, "q2": 7}) == pytest.approx(250 / 3)
    assert response_index(Q, {"q1": 1, "q2": 1, "q3": 1}) == 0
    assert response_index(Q, {"q1": 5, "q2": 7, "q3": 10}) == 100
    assert response_index(Q, {}) is None


def test_dimensions_by_hand() -> None:
    by = dimension_indices(Q, {"q1": 4, "q2": 4})
    assert by == {"quality": pytest.approx(75.0), "safety": pytest.approx(50.0)}


def test_interval_and_flag_by_hand() -> None:
    values = [60.0, 70.0, 80.0]  # mean 70, sample sd 10, se 10/√3 = 5.7735
    m = Moments()
    for v in values:
        m = m.add(v)
    e = estimate(m)
    assert e.index == 70.0
    assert e.ci95 == (
        round(70 - 1.96 * 10 / math.sqrt(3), 2),
        round(70 + 1.96 * 10 / math.sqrt(3), 2),
    )
    assert e.ci95 == (58.68, 81.32)
    assert e.unstable  # n < 20


def test_stable_with_20_alike_responses_unstable_when_the_estimate_scatters() -> None:
    alike = Moments()
    for i in range(20):
        alike = alike.add(70.0 + (i % 3))
    assert not estimate(alike).unstable
    # 19 × 0 and 1 × 100: mean 5, sample sd √(9500/19) = 22.36, se 5, cv 1.0 > 0.33
    scattered = Moments()
    for v in [0.0] * 19 + [100.0]:
        scattered = scattered.add(v)
    e = estimate(scattered)
    assert (e.n, e.index, e.ci95) == (20, 5.0, (-4.8, 14.8))
    assert e.unstable


def test_empty_and_single() -> None:
    assert estimate(Moments()).index is None and estimate(Moments()).unstable
    one = estimate(Moments().add(50.0))
    assert (one.index, one.ci95, one.unstable) == (50.0, (50.0, 50.0), True)


@given(st.lists(st.floats(0, 100), min_size=2, max_size=60))
def test_incremental_moments_equal_a_recomputation(values: list[float]) -> None:
    m = Moments()
    for v in values:
        m = m.add(v)
    e = estimate(m)
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    assert e.index == pytest.approx(round(mean, 2), abs=0.011)
    assert e.ci95 is not None
    assert e.ci95[1] - e.ci95[0] == pytest.approx(2 * 1.96 * sd / math.sqrt(len(values)), abs=0.03)
    halves = Moments()
    for v in values[: len(values) // 2]:
        halves = halves.add(v)
    rest = Moments()
    for v in values[len(values) // 2 :]:
        rest = rest.add(v)
    assert (halves + rest).n == m.n
    assert (halves + rest).total == pytest.approx(m.total)
