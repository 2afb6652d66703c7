"""Timeliness of a reporting unit's report: the one rule of "on time", "late" and "days late".

A deadline is inclusive to the end of its last second: with a deadline of 23:59:59, a report
received at 23:59:59.5 is on time, one at 00:00:00 the next day is late (times are kept to the
millisecond, so the comparison must not be with the deadline's instant itself). Days late count
the days begun after the deadline: a report one second late is one day late. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = timedelta(days=1)


def deadline_end(deadline: datetime) -> datetime:
    """The first instant that is past the deadline: the end of its last second."""
    return deadline.replace(microsecond=0) + timedelta(seconds=1)


def is_on_time(at: datetime, deadline: datetime) -> bool:
    return at < deadline_end(deadline)


def is_past(now: datetime, deadline: datetime) -> bool:
    return not is_on_time(now, deadline)


def days_late(at: datetime, deadline: datetime) -> int:
    """0 when on time, else the number of days begun since the deadline ended."""
    if is_on_time(at, deadline):
        return 0
    return (at - deadline_end(deadline)) // DAY + 1


@dataclass(frozen=True, slots=True)
class Timeliness:
    """A unit's standing against its own deadline.

    `on_time` is None while nothing is submitted; `days_late` is then the days the unit is
    overdue (0 before the deadline)."""

    deadline: datetime
    on_time: bool | None
    days_late: int

    @classmethod
    def judge(
        cls, deadline: datetime, first_submitted_at: datetime | None, now: datetime
    ) -> Timeliness:
        if first_submitted_at is None:
            return cls(deadline, None, days_late(now, deadline))
        return cls(
            deadline,
            is_on_time(first_submitted_at, deadline),
            days_late(first_submitted_at, deadline),
        )
