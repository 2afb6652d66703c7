"""What a caller asks the events service to do (typed, validated by their declarations)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from sanjin_shared.declaration import Declared
from sanjin_shared.declarations.activities import ActivityDetails, ActivityReport
from sanjin_shared.declarations.common import Intake


class ScheduleActivity(ActivityDetails, Intake):
    """Schedule an activity."""


ReportActivity = ActivityReport
"""Report (or correct) what an activity achieved: its figures."""


class CancelActivity(Declared):
    """Cancel an activity."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = Field(
        default=None, title="取消原因", examples=["因天气原因取消"]
    )
