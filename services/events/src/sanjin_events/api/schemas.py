"""Request and response bodies of the events API (docs/api.md, events): the commands and the
declared record (`sanjin_shared.declarations.activities`), under the names the API documents."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import Field

from sanjin_events.adapters.repository import StoredActivity
from sanjin_events.domain.commands import CancelActivity, ReportActivity, ScheduleActivity
from sanjin_shared.api_types import Page
from sanjin_shared.declaration import Shown
from sanjin_shared.declarations.activities import ActivityRecord


class ActivityCreate(ScheduleActivity):
    """An activity to schedule."""


class ActivityReportIn(ReportActivity):
    """What the activity achieved (a second report corrects the first)."""


class ActivityCancelIn(CancelActivity):
    """Why the activity is cancelled."""


class ActivityOut(ActivityRecord, Shown):
    """An activity as the service keeps it."""

    created_at: datetime = Field(title="创建时间")
    updated_at: datetime = Field(title="更新时间")

    @classmethod
    def of(cls, stored: StoredActivity) -> Self:
        return cls.model_validate(
            stored.record.model_dump()
            | {"created_at": stored.created_at, "updated_at": stored.updated_at}
        )


class ActivityList(Page[ActivityOut]):
    """A page of activities."""
