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
from tests.support.personal import consumer


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


def point_body(campaign: str, **overrides: object) -> dict:
    body = {
        "campaign": campaign,
        "name": "和平里社区监测点",
        "venue_type": "community",
        "city": "北京市",
        "county": "东城区",
        "address": "和平里北街1号",
        "host_organization": "和平里街道办事处",
        "contact_name": "王芳",
        "contact_phone": "13812345678",
        "established_on": "2019-09-01",
        "capabilities": ["信息收集", "风险报送"],
    }
    body.update(overrides)
    return body


def risk_report_body(point_id: str, campaign: str, **overrides: object) -> dict:
    body = {
        "monitoring_point_id": point_id,
        "campaign": campaign,
        "occurred_on": "2019-10-08",
        "product_category": "toys",
        "product_name": "发声毛绒玩具",
        "brand": "Happy Kid",
        "model": "HK-100",
        "hazard_type": "choking",
        "severity": "moderate",
        "injured": True,
        "victim_age": 30,
        "victim_sex": "female",
        "description": "眼睛部件脱落",
    }
    body.update(overrides)
    return body


def session_body(campaign: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "campaign": campaign,
        "institution": "北京市产品质量监督检验研究院",
        "venue_type": "community",
        "venue_name": "朝阳门社区",
        "city": "北京市",
        "county": "东城区",
        "date": "2019-09-20",
        "services": ["testing", "authentication"],
        "capacity": 2,
    }
    body.update(overrides)
    return body


def booking_body(n: int, **overrides: Any) -> dict[str, Any]:
    name, phone = consumer(n)
    body: dict[str, Any] = {
        "consumer_name": name,
        "consumer_phone": phone,
        "product_category": "toys",
        "service": "testing",
    }
    body.update(overrides)
    return body


QUESTIONS = [
    {"id": "q1", "text": "产品质量", "dimension": "quality", "scale_max": 5, "weight": 2},
    {"id": "q2", "text": "安全性", "dimension": "safety", "scale_max": 7, "weight": 1},
    {
        "id": "q3",
        "text": "标识说明",
        "dimension": "labelling",
        "scale_max": 10,
        "weight": 1,
        "required": False,
    },
]


def survey_body(campaign: str, **overrides: object) -> dict:
    body = {
        "campaign": campaign,
        "product_category": "children_products",
        "title": "儿童用品质量安全满意度调查",
        "questions": QUESTIONS,
        "opens_on": "2019-09-01",
        "closes_on": "2099-12-31",
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
