"""The inspection service: sessions of free testing, certification, consultation and
genuine-vs-fake identification, their bookings and their results (activity 3 of the notice).

Run: uvicorn sanjin_inspection.main:build_app --factory --port 8003
"""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_inspection.adapters.repository import ensure_indexes
from sanjin_inspection.api import workbooks
from sanjin_inspection.api.routes import router
from sanjin_inspection.settings import InspectionSettings
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


def build_app(settings: InspectionSettings | None = None) -> FastAPI:
    return create_app(
        settings or InspectionSettings(),
        title="Sanjin inspection",
        description="Sessions of free testing, certification, consultation and genuine-vs-fake "
        "identification held by technical institutions, consumers' bookings of their places "
        "(never more than capacity, with a first-in-first-out waiting line) and the results "
        "(activity 3 of the notice).",
        # workbooks first: template.xlsx is no id
        routers=[workbooks.router, router, campaigns_router()],
        on_startup=[_indexes, start_campaign_reader],
        on_shutdown=[stop_campaign_reader],
    )
