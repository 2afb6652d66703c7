"""The baseline: a bare FastAPI JSON endpoint served the same way as the services (uvicorn, one
process), validating the same request body, with no database, no outbox and no auth."""

from __future__ import annotations

from fastapi import FastAPI

from sanjin_events.api.schemas import ActivityCreate
from sanjin_shared.batch import BatchRequest, validate_items
from sanjin_survey.api.routes import ResponseIn


def build_app() -> FastAPI:
    app = FastAPI()

    @app.post("/bare", status_code=201)
    async def bare(body: ActivityCreate) -> ActivityCreate:
        return body

    @app.post("/bare:batch")
    async def bare_batch(body: BatchRequest) -> dict[str, int]:
        valid, conflicts = validate_items(body.items, ActivityCreate)
        return {"created": len(valid), "conflicts": len(conflicts)}

    @app.post("/bare/responses:batch")
    async def bare_responses(body: BatchRequest) -> dict[str, int]:
        valid, conflicts = validate_items(body.items, ResponseIn)
        return {"created": len(valid), "conflicts": len(conflicts)}

    return app
