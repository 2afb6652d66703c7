"""A campaign: its activity period (Beijing dates) and the absolute deadline of the provinces'
reports. Campaign "2019" exists by default, as the notice set it. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sanjin_aggregator.domain.timeliness import is_past
from sanjin_shared.clock import BEIJING
from sanjin_shared.errors import RuleViolation


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    starts_on: date
    ends_on: date
    report_deadline: datetime  # aware

    def __post_init__(self) -> None:
        if self.report_deadline.tzinfo is None:
            raise RuleViolation("report_deadline", "the deadline needs a UTC offset, e.g. +08:00")
        if self.ends_on < self.starts_on:
            raise RuleViolation("ends_on", "the campaign ends before it starts")
        if self.report_deadline.astimezone(BEIJING).date() < self.starts_on:
            raise RuleViolation("report_deadline", "the deadline is before the campaign starts")

    def is_past_deadline(self, now: datetime) -> bool:
        """Past the end of the deadline's last second (a unit's own deadline: Submission)."""
        return is_past(now, self.report_deadline)


DEFAULT_CAMPAIGNS = (
    Campaign(
        id="2019",
        starts_on=date(2019, 9, 1),
        ends_on=date(2019, 11, 30),
        report_deadline=datetime(2019, 11, 30, 23, 59, 59, tzinfo=BEIJING),
    ),
)
