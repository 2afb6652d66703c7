"""Reminders before a unit's deadline and escalations after it. Pure: no I/O.

Steps are days counted from the end of the deadline's last second (`domain/timeliness.py`):
`before-7d` is due from 7 days before it, `after-1d` from 1 day after it. At any moment only the
latest step that is due applies (a unit is not sent the 7-day reminder when 3 days are left), and
a step is not sent once more than `expire_after` has passed since it became due (the watch was
down that long, or the campaign is an old one). Each step is sent at most once per unit and
deadline; a unit that has submitted is not reminded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sanjin_aggregator.domain.timeliness import DAY, deadline_end
from sanjin_shared.clock import BEIJING
from sanjin_shared.errors import RuleViolation

Kind = Literal["reminder", "escalation"]


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    days_before: tuple[int, ...] = (7, 3, 1)
    days_after: tuple[int, ...] = (1, 3, 7)
    expire_after: timedelta = timedelta(days=3)

    def __post_init__(self) -> None:
        if any(d <= 0 for d in (*self.days_before, *self.days_after)):
            raise RuleViolation("days", "催报间隔须为整天数，至少 1 天")


@dataclass(frozen=True, slots=True)
class DueStep:
    kind: Kind
    days: int
    due_at: datetime
    deadline: datetime
    manual: bool = False  # sent by headquarters by hand, at due_at: a step of its own

    @property
    def step(self) -> str:
        if self.manual:
            return f"manual-{self.due_at.strftime('%Y%m%dT%H%M%S%f')[:-3]}"
        return f"{'before' if self.kind == 'reminder' else 'after'}-{self.days}d"


def manual_step(deadline: datetime, now: datetime) -> DueStep:
    """A reminder headquarters sends now: days left, or days overdue."""
    end = deadline_end(deadline)
    if now < end:
        return DueStep("reminder", (end - now) // DAY, now, deadline, manual=True)
    return DueStep("escalation", (now - end) // DAY, now, deadline, manual=True)


def due_step(plan: ReminderPlan, deadline: datetime, now: datetime) -> DueStep | None:
    """The step that applies to a unit that has not submitted, if any."""
    end = deadline_end(deadline)
    if now < end:
        due = [d for d in plan.days_before if now >= end - d * DAY]
        if not due:
            return None
        days = min(due)
        step = DueStep("reminder", days, end - days * DAY, deadline)
    else:
        due = [d for d in plan.days_after if now >= end + d * DAY]
        if not due:
            return None
        days = max(due)
        step = DueStep("escalation", days, end + days * DAY, deadline)
    return step if now - step.due_at <= plan.expire_after else None


def message(campaign: str, unit: str, step: DueStep) -> tuple[str, str]:
    """The e-mail's subject and text, in the notice's words."""
    deadline = step.deadline.astimezone(BEIJING).strftime("%Y年%m月%d日 %H:%M")
    if step.kind == "reminder":
        subject = f"【三进】{campaign}年活动总结材料报送提醒：距截止还有{step.days}天"
        ask = f"报送截止时间为{deadline}（北京时间），贵单位尚未报送。请在截止前通过三进平台报送。"
    else:
        subject = f"【三进】{campaign}年活动总结材料催报：已逾期{step.days}天"
        ask = f"报送截止时间{deadline}（北京时间）已过{step.days}天，贵单位尚未报送。请尽快通过三进平台报送。"
    body = (
        f"{unit}：\n\n"
        f"{campaign}年消费品质量安全“三进”活动的总结材料、典型案例和统计表{ask}\n\n"
        "如已通过电子邮件或纸质方式报送，请告知总局质量监督司。\n\n"
        "（本邮件由三进平台自动发送，请勿直接回复。）\n"
    )
    return subject, body
