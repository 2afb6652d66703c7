"""The inspection service: Free testing, certification, consultation and genuine-vs-fake sessions, bookings and results (activity 3).

Its API is not built yet: this process runs the platform (health, readiness, metrics, the outbox
relay) so the stack and its deployment are complete.

Run: uvicorn sanjin_inspection.main:build_app --factory --port 8003
"""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_inspection.settings import InspectionSettings
from sanjin_shared.app import create_app


def build_app(settings: InspectionSettings | None = None) -> FastAPI:
    return create_app(
        settings or InspectionSettings(),
        title="Sanjin inspection",
        description="Free testing, certification, consultation and genuine-vs-fake sessions, bookings and results (activity 3).",
    )
