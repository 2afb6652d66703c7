"""Time: timestamps are aware UTC inside the platform; calendar dates are Beijing dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def beijing_date(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()
