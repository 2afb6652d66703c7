"""The reference data the web application labels things with, and `GET /dashboard`, kept for
the contract: the dashboard lives in the web application (`web/`), where this redirects."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from sanjin_aggregator.domain.metrics import METRIC_LABELS, METRIC_LABELS_EN, METRICS
from sanjin_shared.context import ReaderContext
from sanjin_shared.reference import PROVINCES, PROVINCES_EN, VENUE_TYPES_EN, XPCC, VenueType

page = APIRouter(tags=["dashboard"])
reference = APIRouter(prefix="/v1", tags=["dashboard"])


@page.get(
    "/dashboard",
    operation_id="dashboard-get",
    response_class=RedirectResponse,
    status_code=307,
    summary="The headquarters dashboard: a redirect to the web application (SANJIN_DASHBOARD_URL)",
)
async def dashboard(request: Request) -> RedirectResponse:
    return RedirectResponse(request.app.state.dashboard_url, status_code=307)


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
    label_en: str


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
        venue_types=[
            VenueTypeOut(name=v.value, label_zh=v.label_zh, label_en=VENUE_TYPES_EN[v])
            for v in VenueType
        ],
    )
