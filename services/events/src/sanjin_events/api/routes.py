"""HTTP routes of the events service. Thin: parse, call a use case, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from sanjin_events.adapters.repository import ActivityFilter
from sanjin_events.api.commands import batch_item, report_of
from sanjin_events.api.schemas import (
    ActivityCancelIn,
    ActivityCreate,
    ActivityList,
    ActivityOut,
    ActivityReportIn,
)
from sanjin_events.domain.activity import ActivityStatus
from sanjin_events.service.activities import ActivityService
from sanjin_events.service.batch import ActivityImport
from sanjin_shared.app import PlatformDep
from sanjin_shared.batch import BatchRequest, ImportSummary, validate_items
from sanjin_shared.campaigns import Campaigns
from sanjin_shared.context import Context
from sanjin_shared.filters import DateSpan
from sanjin_shared.idempotency import fingerprint
from sanjin_shared.pagination import DEFAULT_LIMIT
from sanjin_shared.params import Cursor, IdempotencyKey, Limit
from sanjin_shared.reference import ActivityKind, ProvinceCode, VenueType
from sanjin_shared.repository import next_cursor

router = APIRouter(prefix="/v1", tags=["activities"])


async def get_service(platform: PlatformDep, ctx: Context) -> ActivityService:
    return ActivityService(platform.unit_of_work(ctx.actor))


Service = Annotated[ActivityService, Depends(get_service)]


@router.post(
    "/activities",
    operation_id="activities-schedule",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityOut,
    summary="Schedule an activity",
    responses={200: {"model": ActivityOut, "description": "An identical earlier request's record"}},
)
async def schedule_activity(
    body: ActivityCreate,
    ctx: Context,
    service: Service,
    campaigns: Campaigns,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ActivityOut:
    await campaigns.check(body.campaign, body.scheduled_on, "scheduled_on")
    outcome = await service.schedule(
        ctx,
        body,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint(body),
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return ActivityOut.of(outcome.record)


@router.post(
    "/activities:batch",
    operation_id="activities-import",
    response_model=ImportSummary,
    summary="Import up to 1,000 activities (idempotent by external_id)",
    description="Each item has the body of `POST /v1/activities` and needs an `external_id`. "
    "Items are checked one by one; a bad item is a conflict naming its index and field and does "
    "not stop the others. Sending the same file again creates nothing: identical items are "
    "`ignored`, changed ones `updated`. With `dry_run=true` nothing is written.",
)
async def import_activities(
    body: BatchRequest,
    ctx: Context,
    platform: PlatformDep,
    campaigns: Campaigns,
    dry_run: bool = False,
) -> ImportSummary:
    valid, conflicts = validate_items(body.items, ActivityCreate)
    valid, refused = await campaigns.screen(
        valid, lambda i: (i.campaign, i.scheduled_on, "scheduled_on")
    )
    conflicts += refused
    items = [batch_item(index, item) for index, item in valid]
    return await ActivityImport(platform.unit_of_work(ctx.actor)).run(
        ctx, items, conflicts, dry_run=dry_run
    )


@router.post(
    "/activities/{activity_id}/report",
    operation_id="activities-report",
    response_model=ActivityOut,
    summary="Report (or correct) what an activity achieved",
)
async def report_activity(
    activity_id: str, body: ActivityReportIn, ctx: Context, service: Service, campaigns: Campaigns
) -> ActivityOut:
    activity = (await service.get(ctx, activity_id)).record
    await campaigns.check(activity.campaign, body.held_on, "held_on")
    stored = await service.report(ctx, activity_id, report_of(body))
    return ActivityOut.of(stored)


@router.post(
    "/activities/{activity_id}/cancel",
    operation_id="activities-cancel",
    response_model=ActivityOut,
    summary="Cancel an activity",
)
async def cancel_activity(
    activity_id: str, ctx: Context, service: Service, body: ActivityCancelIn | None = None
) -> ActivityOut:
    return ActivityOut.of(await service.cancel(ctx, activity_id, body or ActivityCancelIn()))


@router.get(
    "/activities/{activity_id}",
    operation_id="activities-get",
    response_model=ActivityOut,
    summary="One activity",
)
async def get_activity(activity_id: str, ctx: Context, service: Service) -> ActivityOut:
    return ActivityOut.of(await service.get(ctx, activity_id))


@router.get(
    "/activities",
    operation_id="activities-list",
    response_model=ActivityList,
    summary="List activities",
)
async def list_activities(
    ctx: Context,
    service: Service,
    province: ProvinceCode | None = None,
    campaign: str | None = Query(default=None, max_length=32),
    kind: ActivityKind | None = None,
    venue_type: VenueType | None = None,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(scheduled|completed|cancelled)$")
    ] = None,
    scheduled_from: date | None = None,
    scheduled_to: date | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> ActivityList:
    items = await service.list(
        ctx,
        ActivityFilter(
            province=province,
            campaign=campaign,
            kind=kind,
            venue_type=venue_type,
            status=ActivityStatus.of(status_) if status_ else None,
            scheduled_on=DateSpan(start=scheduled_from, end=scheduled_to),
        ),
        cursor=cursor,
        limit=limit,
    )
    return ActivityList(
        items=[ActivityOut.of(s) for s in items], next_cursor=next_cursor(items, limit)
    )
