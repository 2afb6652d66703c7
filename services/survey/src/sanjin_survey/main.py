"""The survey service: satisfaction surveys of key consumer products and the satisfaction index
(activity 5 of the notice).

Run: uvicorn sanjin_survey.main:build_app --factory --port 8004
"""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_shared.app import Platform, create_app
from sanjin_shared.campaigns import (
    campaigns_router,
    start_campaign_reader,
    stop_campaign_reader,
)
from sanjin_shared.idempotency import ensure_idempotency_indexes
from sanjin_survey.adapters.repository import ensure_indexes
from sanjin_survey.api import workbooks
from sanjin_survey.api.routes import router
from sanjin_survey.settings import SurveySettings


async def _indexes(platform: Platform) -> None:
    await ensure_indexes(platform.db)
    await ensure_idempotency_indexes(platform.db)


def build_app(settings: SurveySettings | None = None) -> FastAPI:
    return create_app(
        settings or SurveySettings(),
        title="Sanjin survey",
        description="Satisfaction surveys of key consumer products and the satisfaction index "
        "(activity 5 of the notice).",
        # workbooks first: template.xlsx is no id
        routers=[workbooks.router, router, campaigns_router()],
        on_startup=[_indexes, start_campaign_reader],
        on_shutdown=[stop_campaign_reader],
    )
