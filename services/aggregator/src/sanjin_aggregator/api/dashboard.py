"""The headquarters dashboard: one static page (ECharts and the map vendored, so it works
without internet) that signs in and then reads only the aggregator's API; the reference data it
labels things with; and, in development only, the sign-in that mints an hq token."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import BaseModel

from sanjin_aggregator.domain.metrics import METRIC_LABELS, METRIC_LABELS_EN, METRICS
from sanjin_shared.app import PlatformDep
from sanjin_shared.auth import Role, mint_token
from sanjin_shared.records import ReaderContext
from sanjin_shared.reference import PROVINCES, PROVINCES_EN, XPCC, VenueType

STATIC = Path(__file__).resolve().parent.parent / "static"

page = APIRouter(tags=["dashboard"])
reference = APIRouter(prefix="/v1", tags=["dashboard"])
development = APIRouter(prefix="/v1", tags=["development only"])


@page.get(
    "/dashboard",
    operation_id="dashboard-get",
    response_class=FileResponse,
    summary="The headquarters dashboard (the page loads without a token; it signs in)",
)
async def dashboard() -> FileResponse:
    return FileResponse(STATIC / "dashboard.html", media_type="text/html; charset=utf-8")


class MetricOut(BaseModel):
    name: str
    label_zh: str
    label_en: str


class UnitOut(BaseModel):
    code: str
    name: str
    name_en: str
    has_polygon: bool  # XPCC has no polygon of its own on the map


class VenueTypeOut(BaseModel):
    name: str
    label_zh: str


class ReferenceOut(BaseModel):
    metrics: list[MetricOut]
    units: list[UnitOut]
    venue_types: list[VenueTypeOut]


@reference.get(
    "/reference",
    operation_id="reference-get",
    response_model=ReferenceOut,
    summary="Metrics, reporting units, venue types",
)
async def reference_data(_ctx: ReaderContext) -> ReferenceOut:
    return ReferenceOut(
        metrics=[
            MetricOut(name=m, label_zh=METRIC_LABELS[m], label_en=METRIC_LABELS_EN[m])
            for m in METRICS
        ],
        units=[
            UnitOut(code=c, name=n, name_en=PROVINCES_EN[c], has_polygon=c != XPCC)
            for c, n in PROVINCES.items()
        ],
        venue_types=[VenueTypeOut(name=v.value, label_zh=v.label_zh) for v in VenueType],
    )


class DevToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    role: str


@development.post(
    "/dev/token",
    operation_id="dev-tokens-create",
    response_model=DevToken,
    summary="Mint an hq token (development and test stacks only; absent in production)",
)
async def development_token(platform: PlatformDep) -> DevToken:
    secret = platform.settings.effective_jwt_secret()
    assert secret is not None  # development always has one
    token = mint_token(
        secret,
        sub="dashboard-dev",
        role=Role.hq,
        audience=platform.settings.jwt_audience,
        ttl_s=8 * 3600,
    )
    return DevToken(access_token=token, role=Role.hq.value)
