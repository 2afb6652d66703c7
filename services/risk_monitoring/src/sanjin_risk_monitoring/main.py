"""The risk_monitoring service: The monitoring-point register and risk-information intake (activity 2 of the notice).

Its API is not built yet: this process runs the platform (health, readiness, metrics, the outbox
relay) so the stack and its deployment are complete.

Run: uvicorn sanjin_risk_monitoring.main:build_app --factory --port 8002
"""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_risk_monitoring.settings import RiskMonitoringSettings
from sanjin_shared.app import create_app


def build_app(settings: RiskMonitoringSettings | None = None) -> FastAPI:
    return create_app(
        settings or RiskMonitoringSettings(),
        title="Sanjin risk_monitoring",
        description="The monitoring-point register and risk-information intake (activity 2 of the notice).",
    )
