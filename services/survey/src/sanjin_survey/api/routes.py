"""HTTP routes of the survey service (docs/api.md, survey)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from sanjin_shared.app import PlatformDep
from sanjin_shared.batch import (
    BatchRequest,
    ImportSummary,
    ItemConflict,
    ItemResult,
    ItemStatus,
    validate_items,
)
from sanjin_shared.campaigns import CampaignBook, Campaigns
from sanjin_shared.context import Context, RequestContext
from sanjin_shared.idempotency import fingerprint
from sanjin_shared.pagination import DEFAULT_LIMIT
from sanjin_shared.params import Cursor, IdempotencyKey, Limit
from sanjin_shared.reference import ProductCategory, ProvinceCode
from sanjin_shared.repository import next_cursor
from sanjin_survey.adapters.repository import SurveyFilter
from sanjin_survey.api.schemas import (
    EstimateOut,
    ResponseIn,
    ResponseOut,
    Results,
    SurveyCreate,
    SurveyList,
    SurveyOut,
    SurveyUpdate,
)
from sanjin_survey.domain.survey import SurveyStatus
from sanjin_survey.service.surveys import SurveyService

router = APIRouter(prefix="/v1", tags=["surveys"])


async def get_service(platform: PlatformDep, ctx: Context) -> SurveyService:
    return SurveyService(platform.unit_of_work(ctx.actor))


Service = Annotated[SurveyService, Depends(get_service)]


@router.post(
    "/surveys",
    operation_id="surveys-publish",
    status_code=201,
    response_model=SurveyOut,
    summary="Publish a satisfaction survey",
    responses={200: {"model": SurveyOut, "description": "An identical earlier request's record"}},
)
async def publish_survey(
    body: SurveyCreate,
    ctx: Context,
    service: Service,
    campaigns: Campaigns,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> SurveyOut:
    await campaigns.check(body.campaign, body.opens_on, "opens_on")
    outcome = await service.publish(
        ctx, body, idempotency_key=idempotency_key, request_fingerprint=fingerprint(body)
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return SurveyOut.of(outcome.record)


@router.get(
    "/surveys", operation_id="surveys-list", response_model=SurveyList, summary="List surveys"
)
async def list_surveys(
    ctx: Context,
    service: Service,
    province: ProvinceCode | None = None,
    campaign: Annotated[str | None, Query(max_length=32)] = None,
    product_category: ProductCategory | None = None,
    status_: Annotated[str | None, Query(alias="status", pattern="^(open|closed)$")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> SurveyList:
    flt = SurveyFilter(
        province=province,
        campaign=campaign,
        product_category=product_category,
        status=SurveyStatus.of(status_) if status_ else None,
    )
    items = await service.list(ctx, flt, cursor=cursor, limit=limit)
    return SurveyList(items=[SurveyOut.of(s) for s in items], next_cursor=next_cursor(items, limit))


@router.get(
    "/surveys/{survey_id}",
    operation_id="surveys-get",
    response_model=SurveyOut,
    summary="One survey",
)
async def get_survey(survey_id: str, ctx: Context, service: Service) -> SurveyOut:
    return SurveyOut.of(await service.get(ctx, survey_id))


@router.patch(
    "/surveys/{survey_id}",
    operation_id="surveys-revise",
    response_model=SurveyOut,
    summary="Change a survey (its questions only while it has no responses)",
)
async def revise_survey(
    survey_id: str, body: SurveyUpdate, ctx: Context, service: Service, campaigns: Campaigns
) -> SurveyOut:
    if body.opens_on is not None:  # a survey opens only within its campaign's window
        survey = (await service.get(ctx, survey_id)).record
        await campaigns.check(survey.campaign, body.opens_on, "opens_on")
    return SurveyOut.of(await service.revise(ctx, survey_id, body))


@router.post(
    "/surveys/{survey_id}/close",
    operation_id="surveys-close",
    response_model=SurveyOut,
    summary="Close a survey",
)
async def close_survey(survey_id: str, ctx: Context, service: Service) -> SurveyOut:
    return SurveyOut.of(await service.close(ctx, survey_id))


async def _in_campaign(
    service: SurveyService, ctx: RequestContext, survey_id: str, campaigns: CampaignBook
) -> None:
    """A response is dated by its survey: the survey's campaign is known and holds its opening."""
    survey = (await service.get(ctx, survey_id)).record
    await campaigns.check(survey.campaign, survey.opens_on, "opens_on")


@router.post(
    "/surveys/{survey_id}/responses",
    operation_id="responses-submit",
    status_code=201,
    response_model=ResponseOut,
    summary="Submit a response (the same respondent_id is accepted once)",
    responses={
        200: {"model": ResponseOut, "description": "The same respondent_id and answers again"}
    },
)
async def respond(
    survey_id: str,
    body: ResponseIn,
    ctx: Context,
    service: Service,
    campaigns: Campaigns,
    response: Response,
) -> ResponseOut:
    await _in_campaign(service, ctx, survey_id, campaigns)
    recorded, created = await service.respond(ctx, survey_id, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return ResponseOut.of(recorded)


@router.post(
    "/surveys/{survey_id}/responses:batch",
    operation_id="responses-import",
    response_model=ImportSummary,
    summary="Submit up to 1,000 responses collected offline",
    description="Each item has the body of `POST .../responses`; the upload is one transaction. "
    "A respondent_id already recorded with the same answers is `ignored`, with other answers a "
    "conflict. With `dry_run=true` nothing is recorded.",
)
async def respond_batch(
    survey_id: str,
    body: BatchRequest,
    ctx: Context,
    service: Service,
    campaigns: Campaigns,
    dry_run: bool = False,
) -> ImportSummary:
    await _in_campaign(service, ctx, survey_id, campaigns)  # the upload's items share its survey
    valid, conflicts = validate_items(body.items, ResponseIn)
    if dry_run:
        await service.get(ctx, survey_id)
        results = [ItemResult(index=index, status=ItemStatus.created) for index, _ in valid]
    else:
        outcomes = await service.respond_many(ctx, survey_id, [item for _, item in valid])
        results = []
        for (index, _item), outcome in zip(valid, outcomes, strict=True):
            if isinstance(outcome, Exception):
                conflicts.append(
                    ItemConflict.of_error(index, outcome, default_field="respondent_id")
                )
                continue
            recorded, created = outcome
            status_ = ItemStatus.created if created else ItemStatus.ignored
            results.append(ItemResult(index=index, status=status_, id=recorded.id))
    return ImportSummary.of(results, conflicts, dry_run=dry_run)


@router.get(
    "/surveys/{survey_id}/results",
    operation_id="survey-results-get",
    response_model=Results,
    summary="The satisfaction index with its 95% interval, overall and per dimension",
)
async def results(survey_id: str, ctx: Context, service: Service) -> Results:
    stored = await service.get(ctx, survey_id)
    overall = EstimateOut.of(stored.overall)
    return Results(
        survey_id=survey_id,
        **overall.model_dump(),
        by_dimension={d: EstimateOut.of(m) for d, m in stored.by_dimension.items()},
    )
