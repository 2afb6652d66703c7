"""The risk_monitoring service: the monitoring-point register and risk-information intake
(activity 2 of the notice).

Run: uvicorn sanjin_risk_monitoring.main:build_app --factory --port 8002
"""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_risk_monitoring.adapters.repository import ensure_indexes
from sanjin_risk_monitoring.api import workbooks
from sanjin_risk_monitoring.api.routes import router
from sanjin_risk_monitoring.settings import RiskMonitoringSettings
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


def build_app(settings: RiskMonitoringSettings | None = None) -> FastAPI:
    return create_app(
        settings or RiskMonitoringSettings(),
        title="Sanjin risk_monitoring",
        description="The register of consumer-product risk-information monitoring points in "
        "communities, schools, townships and hospitals, their evaluation, and the risk reports "
        "they send (activity 2 of the notice).",
        # workbooks first: template.xlsx is no id
        routers=[workbooks.router, router, campaigns_router()],
        on_startup=[_indexes, start_campaign_reader],
        on_shutdown=[stop_campaign_reader],
    )
