"""The events service: education activities, co-governance seminars and the launch ceremony.

Run: uvicorn sanjin_events.main:build_app --factory --port 8001
"""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_events.adapters.repository import ensure_indexes
from sanjin_events.api import workbooks
from sanjin_events.api.routes import router
from sanjin_events.settings import EventsSettings
from sanjin_shared.app import Platform, create_app
from sanjin_shared.campaigns import (
    campaigns_router,
    start_campaign_reader,
    stop_campaign_reader,
)
from sanjin_shared.idempotency import ensure_idempotency_indexes


async def _indexes(platform: Platform) -> None:
    await ensure_indexes(platform.db)
    await ensure_idempotency_indexes(platform.db)


def build_app(settings: EventsSettings | None = None) -> FastAPI:
    return create_app(
        settings or EventsSettings(),
        title="Sanjin events",
        description="Education activities, co-governance seminars and the national launch ceremony "
        "of the 三进 campaign (activities 1 and 4 of the notice).",
        # workbooks first: template.xlsx is no id
        routers=[workbooks.router, router, campaigns_router()],
        on_startup=[_indexes, start_campaign_reader],
        on_shutdown=[stop_campaign_reader],
    )
