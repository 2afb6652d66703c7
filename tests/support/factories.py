"""Request bodies and events for tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sanjin_shared.events.activities import (
    ActivityReportFigures,
    ActivityState,
)
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope


def activity_body(campaign: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "campaign": campaign,
        "kind": "education",
        "title": "消费品质量安全进社区",
        "venue_type": "community",
        "venue_name": "朝阳门社区",
        "city": "北京市",
        "county": "东城区",
        "scheduled_on": "2019-09-15",
        "formats": ["materials", "consultation"],
        "organizer": "北京市市场监督管理局",
    }
    body.update(overrides)
    return body


def report_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "held_on": "2019-09-15",
        "participants": 120,
        "materials_distributed": 500,
        "consultations": 40,
        "comparison_items_displayed": 12,
        "video_showings": 2,
        "media_reports": 1,
    }
    body.update(overrides)
    return body


def activity_state(
    campaign: str,
    *,
    activity_id: str | None = None,
    province: str = "110000",
    status: str = "completed",
    participants: int = 100,
    venue_name: str = "朝阳门社区",
) -> ActivityState:
    report = None
    if status == "completed":
        report = ActivityReportFigures(
            held_on=date(2019, 9, 20),
            participants=participants,
            materials_distributed=10,
            consultations=5,
            comparison_items_displayed=0,
            video_showings=0,
            media_reports=0,
        )
    return ActivityState(
        id=activity_id or f"act_{uuid.uuid4().hex}",
        province=province,
        campaign=campaign,
        kind="education",
        status=status,
        title="t",
        venue_type="community",
        venue_name=venue_name,
        city="北京市",
        county="东城区",
        scheduled_on=date(2019, 9, 20),
        report=report,
    )


def envelope(event: DomainEvent, version: int) -> EventEnvelope:
    return EventEnvelope.wrap(
        event,
        producer="tests",
        aggregate_version=version,
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        time=datetime.now(UTC),
    )
