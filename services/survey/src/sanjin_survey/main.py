"""The survey service: Satisfaction surveys of key consumer products and the satisfaction index (activity 5).

Its API is not built yet: this process runs the platform (health, readiness, metrics, the outbox
relay) so the stack and its deployment are complete.

Run: uvicorn sanjin_survey.main:build_app --factory --port 8004
"""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_shared.app import create_app
from sanjin_survey.settings import SurveySettings


def build_app(settings: SurveySettings | None = None) -> FastAPI:
    return create_app(
        settings or SurveySettings(),
        title="Sanjin survey",
        description="Satisfaction surveys of key consumer products and the satisfaction index (activity 5).",
    )
