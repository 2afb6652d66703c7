"""HTTP routes of the risk_monitoring service."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from sanjin_risk_monitoring.adapters.repository import PointFilter, ReportFilter
from sanjin_risk_monitoring.api.schemas import (
    DeactivateIn,
    EvaluationIn,
    PointCreate,
    PointList,
    PointOut,
    PointUpdate,
    ReportCreate,
    ReportList,
    ReportOut,
    SignalList,
    SignalOut,
)
from sanjin_risk_monitoring.domain.point import MonitoringPoint, PointStatus
from sanjin_risk_monitoring.service.points import PointService
from sanjin_risk_monitoring.service.reports import ReportService
from sanjin_risk_monitoring.service.signals import SignalService
from sanjin_shared.app import PlatformDep
from sanjin_shared.batch import (
    BatchRequest,
    ImportSummary,
    ItemConflict,
    ItemResult,
    ItemStatus,
    validate_items,
)
from sanjin_shared.campaigns import Campaigns
from sanjin_shared.context import Context, ReaderContext, RequestContext
from sanjin_shared.errors import DomainError
from sanjin_shared.filters import DateSpan
from sanjin_shared.idempotency import fingerprint
from sanjin_shared.pagination import DEFAULT_LIMIT
from sanjin_shared.params import Cursor, IdempotencyKey, Limit
from sanjin_shared.problems import Problem
from sanjin_shared.reference import HazardType, ProductCategory, ProvinceCode, RiskLevel, VenueType
from sanjin_shared.repository import Stored, next_cursor

router = APIRouter(prefix="/v1")


async def get_points(platform: PlatformDep, ctx: Context) -> PointService:
    return PointService(platform.unit_of_work(ctx.actor))


async def get_reports(platform: PlatformDep, ctx: Context) -> ReportService:
    return ReportService(platform.unit_of_work(ctx.actor))


async def get_signals(platform: PlatformDep, ctx: ReaderContext) -> SignalService:
    return SignalService(platform.unit_of_work(ctx.actor))


Points = Annotated[PointService, Depends(get_points)]
Reports = Annotated[ReportService, Depends(get_reports)]
Signals = Annotated[SignalService, Depends(get_signals)]


def _point(ctx: RequestContext, stored: Stored[MonitoringPoint]) -> PointOut:
    return PointOut.shown_to(ctx.principal, stored)


# -- monitoring points ------------------------------------------------------------------------------


@router.post(
    "/monitoring-points",
    operation_id="monitoring-points-register",
    status_code=201,
    response_model=PointOut,
    tags=["monitoring points"],
    summary="Register a monitoring point (Attachment 2)",
    responses={200: {"model": PointOut, "description": "An identical earlier request's record"}},
)
async def register_point(
    body: PointCreate,
    ctx: Context,
    points: Points,
    campaigns: Campaigns,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PointOut:
    # a point set up before the campaign it is registered in stands in it (and in later ones)
    await campaigns.check(body.campaign, body.established_on, "established_on", earlier_ok=True)
    outcome = await points.register(
        ctx, body, idempotency_key=idempotency_key, request_fingerprint=fingerprint(body)
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return _point(ctx, outcome.record)


@router.get(
    "/monitoring-points",
    operation_id="monitoring-points-list",
    response_model=PointList,
    tags=["monitoring points"],
    summary="List monitoring points",
)
async def list_points(
    ctx: Context,
    points: Points,
    province: ProvinceCode | None = None,
    campaign: Annotated[str | None, Query(max_length=32)] = None,
    venue_type: VenueType | None = None,
    status_: Annotated[str | None, Query(alias="status", pattern="^(active|inactive)$")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> PointList:
    items = await points.list(
        ctx,
        PointFilter(
            province=province,
            campaign=campaign,
            venue_type=venue_type,
            status=PointStatus.of(status_) if status_ else None,
        ),
        cursor=cursor,
        limit=limit,
    )
    return PointList(items=[_point(ctx, s) for s in items], next_cursor=next_cursor(items, limit))


@router.get(
    "/monitoring-points/{point_id}",
    operation_id="monitoring-points-get",
    response_model=PointOut,
    tags=["monitoring points"],
    summary="One monitoring point",
)
async def get_point(point_id: str, ctx: Context, points: Points) -> PointOut:
    return _point(ctx, await points.get(ctx, point_id))


@router.patch(
    "/monitoring-points/{point_id}",
    operation_id="monitoring-points-update",
    response_model=PointOut,
    tags=["monitoring points"],
    summary="Change a point's details",
)
async def update_point(
    point_id: str, body: PointUpdate, ctx: Context, points: Points, campaigns: Campaigns
) -> PointOut:
    if body.established_on is not None:  # the point stays in the campaign it was registered in
        point = (await points.get(ctx, point_id)).record
        await campaigns.check(
            point.campaign, body.established_on, "established_on", earlier_ok=True
        )
    return _point(ctx, await points.update(ctx, point_id, body))


@router.post(
    "/monitoring-points/{point_id}/evaluations",
    operation_id="monitoring-points-evaluate",
    response_model=PointOut,
    tags=["monitoring points"],
    summary="Record an evaluation (the latest counts)",
)
async def evaluate_point(
    point_id: str, body: EvaluationIn, ctx: Context, points: Points, campaigns: Campaigns
) -> PointOut:
    # an evaluation counts in the campaign whose window holds its date: there must be one
    await campaigns.dated(body.evaluated_on, "evaluated_on")
    return _point(ctx, await points.evaluate(ctx, point_id, body))


@router.post(
    "/monitoring-points/{point_id}/deactivate",
    operation_id="monitoring-points-deactivate",
    response_model=PointOut,
    tags=["monitoring points"],
    summary="Deactivate a point, with the reason",
)
async def deactivate_point(
    point_id: str, body: DeactivateIn, ctx: Context, points: Points
) -> PointOut:
    return _point(ctx, await points.deactivate(ctx, point_id, body))


@router.post(
    "/monitoring-points/{point_id}/reactivate",
    operation_id="monitoring-points-reactivate",
    response_model=PointOut,
    tags=["monitoring points"],
    summary="Reactivate a point",
)
async def reactivate_point(point_id: str, ctx: Context, points: Points) -> PointOut:
    return _point(ctx, await points.reactivate(ctx, point_id))


# -- risk reports -------------------------------------------------------------------------------------


@router.post(
    "/risk-reports",
    operation_id="risk-reports-submit",
    status_code=201,
    response_model=ReportOut,
    tags=["risk reports"],
    summary="Report product-risk information from an active monitoring point",
    responses={200: {"model": ReportOut, "description": "An identical earlier request's record"}},
)
async def create_report(
    body: ReportCreate,
    ctx: Context,
    reports: Reports,
    campaigns: Campaigns,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ReportOut:
    await campaigns.check(body.campaign, body.occurred_on, "occurred_on")
    outcome = await reports.receive(
        ctx, body, idempotency_key=idempotency_key, request_fingerprint=fingerprint(body)
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return ReportOut.of(outcome.record)


@router.post(
    "/risk-reports:batch",
    operation_id="risk-reports-import",
    response_model=ImportSummary,
    tags=["risk reports"],
    summary="Import up to 1,000 risk reports (idempotent by external_id)",
    description="Each item has the body of `POST /v1/risk-reports`. Items are applied one "
    "by one; an item already stored under its external_id with the same content is "
    "`ignored`, with other content a conflict. With `dry_run=true` items are only validated.",
)
async def import_reports(
    body: BatchRequest, ctx: Context, reports: Reports, campaigns: Campaigns, dry_run: bool = False
) -> ImportSummary:
    valid, conflicts = validate_items(body.items, ReportCreate)
    valid, refused = await campaigns.screen(
        valid, lambda i: (i.campaign, i.occurred_on, "occurred_on")
    )
    conflicts += refused
    results: list[ItemResult] = []
    for index, item in valid:
        if dry_run:
            results.append(
                ItemResult(index=index, status=ItemStatus.created, external_id=item.external_id)
            )
            continue
        try:
            outcome = await reports.receive(
                ctx, item, idempotency_key=None, request_fingerprint=fingerprint(item)
            )
        except (DomainError, Problem) as exc:
            conflicts.append(ItemConflict.of_error(index, exc, external_id=item.external_id))
            continue
        results.append(
            ItemResult(
                index=index,
                status=ItemStatus.created if outcome.created else ItemStatus.ignored,
                id=outcome.record.record.id,
                external_id=item.external_id,
            )
        )
    return ImportSummary.of(results, conflicts, dry_run=dry_run)


@router.get(
    "/risk-reports",
    operation_id="risk-reports-list",
    response_model=ReportList,
    tags=["risk reports"],
    summary="List risk reports",
)
async def list_reports(
    ctx: Context,
    reports: Reports,
    province: ProvinceCode | None = None,
    campaign: Annotated[str | None, Query(max_length=32)] = None,
    venue_type: VenueType | None = None,
    product_category: ProductCategory | None = None,
    hazard_type: HazardType | None = None,
    risk_level: RiskLevel | None = None,
    monitoring_point_id: Annotated[str | None, Query(max_length=100)] = None,
    product_key: Annotated[
        str | None, Query(max_length=300, description="A signal's product (risk-signals-list)")
    ] = None,
    occurred_from: date | None = None,
    occurred_to: date | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> ReportList:
    flt = ReportFilter(
        province=province,
        campaign=campaign,
        venue_type=venue_type,
        product_category=product_category,
        hazard_type=hazard_type,
        risk_level=risk_level,
        monitoring_point_id=monitoring_point_id,
        product_key=product_key,
        occurred_on=DateSpan(start=occurred_from, end=occurred_to),
    )
    items = await reports.list(ctx, flt, cursor=cursor, limit=limit)
    return ReportList(items=[ReportOut.of(s) for s in items], next_cursor=next_cursor(items, limit))


@router.get(
    "/risk-reports/{report_id}",
    operation_id="risk-reports-get",
    response_model=ReportOut,
    tags=["risk reports"],
    summary="One risk report",
)
async def get_report(report_id: str, ctx: Context, reports: Reports) -> ReportOut:
    return ReportOut.of(await reports.get(ctx, report_id))


# -- risk signals -------------------------------------------------------------------------------------


@router.get(
    "/risk-signals",
    operation_id="risk-signals-list",
    response_model=SignalList,
    tags=["risk signals"],
    summary="The risk signals raised (a product reported three times in a campaign)",
    description="Newest first, each with its product, when it was raised, how many reports and "
    "which provinces stand behind it, and the ids of those reports the caller may read (their "
    "records: `GET /v1/risk-reports?campaign=&product_key=`). hq, the viewer and admin read "
    "every signal; a province the signals its own reports are part of.",
)
async def list_signals(
    ctx: ReaderContext,
    signals: Signals,
    province: Annotated[
        ProvinceCode | None, Query(description="Only the signals this province reported to")
    ] = None,
    campaign: Annotated[str | None, Query(max_length=32)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> SignalList:
    found, following = await signals.list(
        ctx, campaign=campaign, province=province, cursor=cursor, limit=limit
    )
    return SignalList(
        items=[SignalOut.model_validate(s.model_dump()) for s in found], next_cursor=following
    )
