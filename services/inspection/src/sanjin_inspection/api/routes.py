"""HTTP routes of the inspection service."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from sanjin_inspection.adapters.repository import BookingFilter, ResultFilter, SessionFilter
from sanjin_inspection.api.schemas import (
    BookingCreate,
    BookingList,
    BookingOut,
    ResultCreate,
    ResultList,
    ResultOut,
    SessionCancel,
    SessionCreate,
    SessionList,
    SessionOut,
    SessionUpdate,
)
from sanjin_inspection.domain.booking import Booking, BookingStatus
from sanjin_inspection.domain.session import SessionStatus
from sanjin_inspection.service.bookings import BookingService
from sanjin_inspection.service.results import ImportItem, ResultService
from sanjin_inspection.service.sessions import SessionService
from sanjin_shared.app import PlatformDep
from sanjin_shared.batch import BatchRequest, ImportSummary, validate_items
from sanjin_shared.campaigns import CampaignBook, Campaigns
from sanjin_shared.context import Context, RequestContext
from sanjin_shared.filters import DateSpan
from sanjin_shared.idempotency import fingerprint
from sanjin_shared.pagination import DEFAULT_LIMIT
from sanjin_shared.params import Cursor, IdempotencyKey, Limit, sees_personal_data
from sanjin_shared.reference import (
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    ProvinceCode,
    VenueType,
)
from sanjin_shared.repository import Stored, next_cursor

router = APIRouter(prefix="/v1")


async def get_sessions(platform: PlatformDep, ctx: Context) -> SessionService:
    return SessionService(platform.unit_of_work(ctx.actor))


async def get_bookings(platform: PlatformDep, ctx: Context) -> BookingService:
    return BookingService(platform.unit_of_work(ctx.actor))


async def get_results(platform: PlatformDep, ctx: Context) -> ResultService:
    return ResultService(platform.unit_of_work(ctx.actor))


Sessions = Annotated[SessionService, Depends(get_sessions)]
Bookings = Annotated[BookingService, Depends(get_bookings)]
Results = Annotated[ResultService, Depends(get_results)]
Campaign = Annotated[str | None, Query(max_length=32)]
SESSIONS: list[str | Enum] = ["inspection sessions"]
BOOKINGS: list[str | Enum] = ["bookings"]
RESULTS: list[str | Enum] = ["inspection results"]
REPEAT = "An identical earlier request's record"


def _booking(ctx: RequestContext, stored: Stored[Booking], *, in_list: bool = False) -> BookingOut:
    """Names and phones in full only for the owning province and admin, and never in lists."""
    personal = not in_list and sees_personal_data(ctx.principal, stored.record.province)
    return BookingOut.of(stored, personal=personal)


# -- sessions ---------------------------------------------------------------------------------------


@router.post(
    "/inspection-sessions",
    operation_id="inspection-sessions-schedule",
    status_code=201,
    response_model=SessionOut,
    tags=SESSIONS,
    summary="Schedule an inspection session",
    responses={200: {"model": SessionOut, "description": REPEAT}},
)
async def schedule_session(
    body: SessionCreate,
    ctx: Context,
    sessions: Sessions,
    campaigns: Campaigns,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> SessionOut:
    await campaigns.check(body.campaign, body.date, "date")
    outcome = await sessions.schedule(
        ctx, body, idempotency_key=idempotency_key, request_fingerprint=fingerprint(body)
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return SessionOut.of(outcome.record)


@router.get(
    "/inspection-sessions",
    operation_id="inspection-sessions-list",
    response_model=SessionList,
    tags=SESSIONS,
    summary="List inspection sessions",
)
async def list_sessions(
    ctx: Context,
    sessions: Sessions,
    province: ProvinceCode | None = None,
    campaign: Campaign = None,
    venue_type: VenueType | None = None,
    service: InspectionService | None = None,
    status_: Annotated[str | None, Query(alias="status", pattern="^(scheduled|cancelled)$")] = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> SessionList:
    flt = SessionFilter(
        province=province,
        campaign=campaign,
        venue_type=venue_type,
        services=service,
        status=SessionStatus.of(status_) if status_ else None,
        date=DateSpan(start=date_from, end=date_to),
    )
    items = await sessions.list(ctx, flt, cursor=cursor, limit=limit)
    return SessionList(
        items=[SessionOut.of(s) for s in items], next_cursor=next_cursor(items, limit)
    )


@router.get(
    "/inspection-sessions/{session_id}",
    operation_id="inspection-sessions-get",
    response_model=SessionOut,
    tags=SESSIONS,
    summary="One inspection session, with its places",
)
async def get_session(session_id: str, ctx: Context, sessions: Sessions) -> SessionOut:
    return SessionOut.of(await sessions.get(ctx, session_id))


@router.patch(
    "/inspection-sessions/{session_id}",
    operation_id="inspection-sessions-update",
    response_model=SessionOut,
    tags=SESSIONS,
    summary="Change a session (a larger capacity promotes waiting bookings in order)",
    responses={409: {"description": "Capacity below the confirmed bookings, or cancelled"}},
)
async def update_session(
    session_id: str, body: SessionUpdate, ctx: Context, sessions: Sessions, campaigns: Campaigns
) -> SessionOut:
    if body.date is not None:  # a session moves only within its campaign's window
        session = (await sessions.get(ctx, session_id)).record
        await campaigns.check(session.campaign, body.date, "date")
    return SessionOut.of(await sessions.update(ctx, session_id, body))


@router.post(
    "/inspection-sessions/{session_id}/cancel",
    operation_id="inspection-sessions-cancel",
    response_model=SessionOut,
    tags=SESSIONS,
    summary="Cancel a session and its open bookings",
    responses={409: {"description": "Already cancelled, or results are recorded"}},
)
async def cancel_session(
    session_id: str, body: SessionCancel, ctx: Context, sessions: Sessions
) -> SessionOut:
    return SessionOut.of(await sessions.cancel(ctx, session_id, body))


async def session_in_campaign(
    sessions: SessionService, ctx: RequestContext, session_id: str, campaigns: CampaignBook
) -> None:
    """Bookings and results are dated by their session: its campaign is known and holds its day."""
    session = (await sessions.get(ctx, session_id)).record
    await campaigns.check(session.campaign, session.date, "date")


# -- bookings ---------------------------------------------------------------------------------------


@router.post(
    "/inspection-sessions/{session_id}/bookings",
    operation_id="bookings-create",
    status_code=201,
    response_model=BookingOut,
    tags=BOOKINGS,
    summary="Book a place (confirmed, or waitlisted on request when full)",
    responses={
        200: {"model": BookingOut, "description": REPEAT},
        409: {"description": "The session is full (without waitlist), cancelled, or booked"},
    },
)
async def book(
    session_id: str,
    body: BookingCreate,
    ctx: Context,
    bookings: Bookings,
    sessions: Sessions,
    campaigns: Campaigns,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> BookingOut:
    await session_in_campaign(sessions, ctx, session_id, campaigns)
    outcome = await bookings.book(
        ctx,
        session_id,
        body,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint(body),
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return _booking(ctx, outcome.record)


@router.get(
    "/inspection-sessions/{session_id}/bookings",
    operation_id="bookings-list",
    response_model=BookingList,
    tags=BOOKINGS,
    summary="A session's bookings (names and phones masked)",
)
async def list_bookings(
    session_id: str,
    ctx: Context,
    bookings: Bookings,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(confirmed|waitlisted|cancelled)$")
    ] = None,
    service: InspectionService | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> BookingList:
    flt = BookingFilter(
        session_id=session_id,
        status=BookingStatus.of(status_) if status_ else None,
        service=service,
    )
    items = await bookings.list_of_session(ctx, flt, cursor=cursor, limit=limit)
    return BookingList(
        items=[_booking(ctx, b, in_list=True) for b in items],
        next_cursor=next_cursor(items, limit),
    )


@router.get(
    "/bookings/{booking_id}",
    operation_id="bookings-get",
    response_model=BookingOut,
    tags=BOOKINGS,
    summary="One booking",
)
async def get_booking(booking_id: str, ctx: Context, bookings: Bookings) -> BookingOut:
    return _booking(ctx, await bookings.get(ctx, booking_id))


@router.post(
    "/bookings/{booking_id}/cancel",
    operation_id="bookings-cancel",
    response_model=BookingOut,
    tags=BOOKINGS,
    summary="Cancel a booking; the first waitlisted booking takes the freed place",
    responses={409: {"description": "Already cancelled"}},
)
async def cancel_booking(booking_id: str, ctx: Context, bookings: Bookings) -> BookingOut:
    return _booking(ctx, await bookings.cancel(ctx, booking_id))


# -- results ----------------------------------------------------------------------------------------


@router.post(
    "/inspection-sessions/{session_id}/results",
    operation_id="inspection-results-record",
    status_code=201,
    response_model=ResultOut,
    tags=RESULTS,
    summary="Record the result of one sample or consultation",
    responses={200: {"model": ResultOut, "description": REPEAT}},
)
async def record_result(
    session_id: str,
    body: ResultCreate,
    ctx: Context,
    results: Results,
    sessions: Sessions,
    campaigns: Campaigns,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ResultOut:
    await session_in_campaign(sessions, ctx, session_id, campaigns)
    outcome = await results.record(
        ctx,
        session_id,
        body,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint(body),
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return ResultOut.of(outcome.record)


@router.post(
    "/inspection-sessions/{session_id}/results:batch",
    operation_id="inspection-results-import",
    response_model=ImportSummary,
    tags=RESULTS,
    summary="Import up to 1,000 results of a session (idempotent by external_id)",
    description="Each item has the body of `POST .../results` and needs an `external_id`. All "
    "items are written in one transaction; an item already stored under its external_id with "
    "the same content is `ignored`, with other content a conflict. With `dry_run=true` items "
    "are only checked.",
)
async def import_results(
    session_id: str,
    body: BatchRequest,
    ctx: Context,
    results: Results,
    sessions: Sessions,
    campaigns: Campaigns,
    dry_run: bool = False,
) -> ImportSummary:
    await session_in_campaign(
        sessions, ctx, session_id, campaigns
    )  # the file's items share its session
    valid, conflicts = validate_items(body.items, ResultCreate)
    items = [ImportItem(i, fingerprint(item), item) for i, item in valid]
    return await results.record_many(ctx, session_id, items, conflicts, dry_run=dry_run)


@router.get(
    "/inspection-sessions/{session_id}/results",
    operation_id="session-results-list",
    response_model=ResultList,
    tags=RESULTS,
    summary="A session's results",
)
async def list_session_results(
    session_id: str,
    ctx: Context,
    results: Results,
    service: InspectionService | None = None,
    outcome: InspectionOutcome | None = None,
    product_category: ProductCategory | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> ResultList:
    flt = ResultFilter(
        session_id=session_id, service=service, outcome=outcome, product_category=product_category
    )
    items = await results.list(ctx, flt, cursor=cursor, limit=limit)
    return ResultList(items=[ResultOut.of(r) for r in items], next_cursor=next_cursor(items, limit))


@router.get(
    "/inspection-results",
    operation_id="inspection-results-list",
    response_model=ResultList,
    tags=RESULTS,
    summary="List results across sessions",
)
async def list_results(
    ctx: Context,
    results: Results,
    province: ProvinceCode | None = None,
    campaign: Campaign = None,
    venue_type: VenueType | None = None,
    service: InspectionService | None = None,
    outcome: InspectionOutcome | None = None,
    product_category: ProductCategory | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> ResultList:
    flt = ResultFilter(
        province=province,
        campaign=campaign,
        venue_type=venue_type,
        service=service,
        outcome=outcome,
        product_category=product_category,
    )
    items = await results.list(ctx, flt, cursor=cursor, limit=limit)
    return ResultList(items=[ResultOut.of(r) for r in items], next_cursor=next_cursor(items, limit))


@router.get(
    "/inspection-results/{result_id}",
    operation_id="inspection-results-get",
    response_model=ResultOut,
    tags=RESULTS,
    summary="One result",
)
async def get_result(result_id: str, ctx: Context, results: Results) -> ResultOut:
    return ResultOut.of(await results.get(ctx, result_id))
