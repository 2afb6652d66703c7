"""HTTP routes of the survey service (docs/api.md, survey)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
from sanjin_shared.errors import RuleViolation
from sanjin_shared.idempotency import fingerprint
from sanjin_shared.pagination import DEFAULT_LIMIT
from sanjin_shared.params import Cursor, IdempotencyKey, Limit
from sanjin_shared.records import Context, RequestContext, next_cursor
from sanjin_shared.reference import ProductCategory, ProvinceCode
from sanjin_survey.adapters.repository import StoredSurvey
from sanjin_survey.domain.index import Moments, Question, estimate
from sanjin_survey.service.surveys import RecordedResponse, Submission, SurveyService

router = APIRouter(prefix="/v1", tags=["surveys"])

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_.-]{1,64}$")]
CampaignId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_-]{1,32}$")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionIn(Strict):
    id: Key
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    dimension: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_-]{1,40}$")
    ] = Field(description="e.g. quality, safety, labelling, after_sales, value")
    scale_max: int = Field(description="5, 7 or 10")
    weight: float = Field(gt=0, le=100)
    required: bool = True


class SurveyCreate(Strict):
    campaign: CampaignId
    product_category: ProductCategory
    title: Text
    questions: list[QuestionIn] = Field(min_length=1, max_length=100)
    opens_on: date
    closes_on: date
    external_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    province: ProvinceCode | None = Field(default=None, description="Only for hq and admin.")


class SurveyUpdate(Strict):
    title: Text | None = None
    questions: list[QuestionIn] | None = Field(default=None, min_length=1, max_length=100)
    opens_on: date | None = None
    closes_on: date | None = None


class ResponseIn(Strict):
    respondent_id: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ] = Field(description="The instance id of the filled-in form: the same id is accepted once")
    answers: dict[Key, int] = Field(max_length=100)
    channel: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None


class QuestionOut(BaseModel):
    id: str
    text: str
    dimension: str
    scale_max: int
    weight: float
    required: bool


class SurveyOut(BaseModel):
    id: str
    province: str
    campaign: str
    product_category: ProductCategory
    title: str
    status: str
    questions: list[QuestionOut]
    opens_on: date
    closes_on: date
    external_id: str | None
    responses: int
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, s: StoredSurvey) -> SurveyOut:
        r = s.record
        return cls(
            id=r.id,
            province=r.province,
            campaign=r.campaign,
            product_category=r.product_category,
            title=r.title,
            status=r.status.value,
            questions=[QuestionOut.model_validate(q, from_attributes=True) for q in r.questions],
            opens_on=r.opens_on,
            closes_on=r.closes_on,
            external_id=r.external_id,
            responses=r.responses,
            version=r.version,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )


class SurveyList(BaseModel):
    items: list[SurveyOut]
    next_cursor: str | None


class ResponseOut(BaseModel):
    id: str
    survey_id: str
    respondent_id: str
    index: float | None
    by_dimension: dict[str, float]
    created_at: datetime

    @classmethod
    def of(cls, r: RecordedResponse) -> ResponseOut:
        return cls(
            id=r.id,
            survey_id=r.survey_id,
            respondent_id=r.respondent_id,
            index=r.index,
            by_dimension=r.by_dimension,
            created_at=r.created_at,
        )


class EstimateOut(BaseModel):
    responses: int
    satisfaction_index: float | None
    ci95: tuple[float, float] | None
    unstable: bool

    @classmethod
    def of(cls, m: Moments) -> EstimateOut:
        e = estimate(m)
        return cls(responses=e.n, satisfaction_index=e.index, ci95=e.ci95, unstable=e.unstable)


class Results(EstimateOut):
    survey_id: str
    by_dimension: dict[str, EstimateOut]


async def get_service(platform: PlatformDep, ctx: Context) -> SurveyService:
    return SurveyService(platform.unit_of_work(ctx.actor))


Service = Annotated[SurveyService, Depends(get_service)]


def _questions(items: list[QuestionIn]) -> tuple[Question, ...]:
    return tuple(
        Question(q.id, q.text, q.dimension, q.scale_max, q.weight, q.required) for q in items
    )


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
    fields: dict[str, Any] = body.model_dump(exclude={"province", "questions"})
    fields["questions"] = _questions(body.questions)
    outcome = await service.publish(
        ctx,
        fields,
        province=body.province,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint(body),
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
    query = {
        k: v
        for k, v in {
            "province": province,
            "campaign": campaign,
            "product_category": product_category.value if product_category else None,
            "status": status_,
        }.items()
        if v is not None
    }
    items = await service.list(ctx, query, cursor=cursor, limit=limit)
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
    survey_id: str, body: SurveyUpdate, ctx: Context, service: Service
) -> SurveyOut:
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"questions"})
    if body.questions is not None:
        changes["questions"] = _questions(body.questions)
    nulls = [k for k, v in changes.items() if v is None]
    if nulls:
        raise RuleViolation(nulls[0], "cannot be emptied")
    return SurveyOut.of(await service.revise(ctx, survey_id, changes))


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
    recorded, created = await service.respond(
        ctx, survey_id, body.respondent_id, dict(body.answers), body.channel
    )
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
        submissions = [Submission(i.respondent_id, dict(i.answers), i.channel) for _, i in valid]
        outcomes = await service.respond_many(ctx, survey_id, submissions)
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
