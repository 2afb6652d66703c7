"""A campaign: its activity period (Beijing dates) and the absolute deadline of the provinces'
reports. Campaign "2019" exists by default, as the notice set it. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sanjin_aggregator.domain.timeliness import is_past
from sanjin_shared.clock import BEIJING
from sanjin_shared.errors import RuleViolation
from sanjin_shared.events.campaigns import DEFAULT_CAMPAIGNS as DEFAULT_CAMPAIGN_STATES


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    starts_on: date
    ends_on: date
    report_deadline: datetime  # aware

    def __post_init__(self) -> None:
        if self.report_deadline.tzinfo is None:
            raise RuleViolation("report_deadline", "截止时间须注明时区，例如 +08:00（北京时间）")
        if self.ends_on < self.starts_on:
            raise RuleViolation("ends_on", "活动结束日期不能早于开始日期")
        if self.report_deadline.astimezone(BEIJING).date() < self.starts_on:
            raise RuleViolation("report_deadline", "报送截止时间不能早于活动开始日期")

    def is_past_deadline(self, now: datetime) -> bool:
        """Past the end of the deadline's last second (a unit's own deadline: Submission)."""
        return is_past(now, self.report_deadline)


DEFAULT_CAMPAIGNS = tuple(
    Campaign(c.id, c.starts_on, c.ends_on, c.report_deadline) for c in DEFAULT_CAMPAIGN_STATES
)
