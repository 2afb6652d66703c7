"""HTTP routes of campaigns and the provinces' report submissions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from sanjin_aggregator.api.routes import CampaignId, Store
from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.submission import Step, Submission
from sanjin_aggregator.service.campaigns import CampaignService
from sanjin_aggregator.service.submissions import SubmissionService, Tracker
from sanjin_shared.app import PlatformDep
from sanjin_shared.auth import Admin, HQReader, ProvinceOnly
from sanjin_shared.clock import BEIJING
from sanjin_shared.problems import NotFound
from sanjin_shared.records import Context
from sanjin_shared.reference import PROVINCES, ProvinceCode

router = APIRouter(prefix="/v1", tags=["campaigns and submissions"])


async def get_submissions(platform: PlatformDep, store: Store, ctx: Context) -> SubmissionService:
    return SubmissionService(platform.unit_of_work(ctx.actor), store)


async def get_campaigns(platform: PlatformDep, ctx: Context) -> CampaignService:
    return CampaignService(platform.unit_of_work(ctx.actor))


Submissions = Annotated[SubmissionService, Depends(get_submissions)]
Campaigns = Annotated[CampaignService, Depends(get_campaigns)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


def _beijing(moment: datetime) -> datetime:
    return moment.astimezone(BEIJING)


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: date
    ends_on: date
    report_deadline: AwareDatetime = Field(
        description="With its offset, e.g. 2019-11-30T23:59:59+08:00"
    )


class CampaignOut(BaseModel):
    campaign: str
    starts_on: date
    ends_on: date
    report_deadline: datetime = Field(description="Beijing time (+08:00)")

    @classmethod
    def of(cls, c: Campaign) -> CampaignOut:
        return cls(
            campaign=c.id,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            report_deadline=_beijing(c.report_deadline),
        )


class CampaignList(BaseModel):
    items: list[CampaignOut]


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
    ]


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment | None = None


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment


class StepOut(BaseModel):
    action: Literal["submitted", "approved", "returned"]
    at: datetime
    by: str
    summary: str | None = None
    on_time: bool | None = None
    snapshot: dict[str, Any] | None = None
    changes: dict[str, dict[str, Any]] | None = Field(
        default=None,
        description="Metrics that changed since the previous snapshot: {before, after}",
    )
    comment: str | None = None

    @classmethod
    def of(cls, step: Step) -> StepOut:
        return cls(
            action=step.action,  # type: ignore[arg-type]
            at=_beijing(step.at),
            by=step.by,
            summary=step.summary,
            on_time=step.on_time,
            snapshot=step.snapshot,
            changes=step.changes,
            comment=step.comment,
        )


Status = Literal["missing", "submitted", "approved", "returned"]


class SubmissionOut(BaseModel):
    campaign: str
    province: str
    name: str
    status: Status
    submitted_at: datetime | None
    on_time: bool | None
    attempts: int
    summary: str | None
    snapshot: dict[str, Any] | None
    changes_since_last: dict[str, dict[str, Any]] | None
    history: list[StepOut]

    @classmethod
    def of(cls, s: Submission) -> SubmissionOut:
        latest = s.latest
        return cls(
            campaign=s.campaign,
            province=s.province,
            name=PROVINCES[s.province],
            status=s.status.value,  # type: ignore[arg-type]
            submitted_at=_beijing(latest.at) if latest else None,
            on_time=latest.on_time if latest else None,
            attempts=s.attempts,
            summary=latest.summary if latest else None,
            snapshot=latest.snapshot if latest else None,
            changes_since_last=latest.changes if latest else None,
            history=[StepOut.of(step) for step in s.history],
        )


class TrackerRowOut(BaseModel):
    province: str
    name: str
    status: Status
    submitted_at: datetime | None
    on_time: bool | None
    overdue: bool = Field(description="Missing after the deadline")
    attempts: int
    comment: str | None = Field(description="Headquarters' comment when it returned the report")


class TrackerSummary(BaseModel):
    expected: int
    submitted: int = Field(description="Submitted or approved now")
    on_time: int
    late: int
    approved: int
    returned: int
    missing: list[str] = Field(description="Province codes without any submission")
    overdue: list[str] = Field(description="Missing after the deadline")


class TrackerOut(BaseModel):
    campaign: str
    report_deadline: datetime
    items: list[TrackerRowOut]
    summary: TrackerSummary

    @classmethod
    def of(cls, tracker: Tracker) -> TrackerOut:
        items = []
        for row in tracker.rows:
            s, latest = row.submission, row.submission.latest
            last = s.history[-1] if s.history else None
            items.append(
                TrackerRowOut(
                    province=row.province,
                    name=row.name,
                    status=s.status.value,  # type: ignore[arg-type]
                    submitted_at=_beijing(latest.at) if latest else None,
                    on_time=latest.on_time if latest else None,
                    overdue=row.overdue,
                    attempts=s.attempts,
                    comment=last.comment if last and last.action == "returned" else None,
                )
            )
        return cls(
            campaign=tracker.campaign.id,
            report_deadline=_beijing(tracker.campaign.report_deadline),
            items=items,
            summary=TrackerSummary(**tracker.summary),
        )


# -- campaigns -------------------------------------------------------------------------------------


@router.put(
    "/campaigns/{campaign}",
    response_model=CampaignOut,
    status_code=201,
    summary="Define or change a campaign (admin)",
    responses={200: {"model": CampaignOut, "description": "The campaign was changed"}},
)
async def put_campaign(
    campaign: CampaignId,
    body: CampaignIn,
    _admin: Admin,
    ctx: Context,
    campaigns: Campaigns,
    response: Response,
) -> CampaignOut:
    defined, created = await campaigns.define(
        ctx, campaign, body.starts_on, body.ends_on, body.report_deadline
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return CampaignOut.of(defined)


@router.get("/campaigns", response_model=CampaignList, summary="The campaigns")
async def list_campaigns(_ctx: Context, campaigns: Campaigns) -> CampaignList:
    return CampaignList(items=[CampaignOut.of(c) for c in await campaigns.all()])


@router.get("/campaigns/{campaign}", response_model=CampaignOut, summary="One campaign")
async def get_campaign(campaign: CampaignId, _ctx: Context, campaigns: Campaigns) -> CampaignOut:
    return CampaignOut.of(await campaigns.get(campaign))


# -- submissions -----------------------------------------------------------------------------------


@router.post(
    "/campaigns/{campaign}/submissions",
    response_model=SubmissionOut,
    status_code=201,
    summary="Submit the province's report: a snapshot of its figures now (province)",
    responses={409: {"description": "The submission is approved and locked"}},
)
async def submit(
    campaign: CampaignId,
    body: SubmissionIn,
    _province: ProvinceOnly,
    ctx: Context,
    submissions: Submissions,
) -> SubmissionOut:
    return SubmissionOut.of(await submissions.submit(ctx, campaign, body.summary))


@router.get(
    "/campaigns/{campaign}/submissions",
    response_model=TrackerOut,
    summary="The tracker: all 32 reporting units, on time, late, missing, approved (hq)",
)
async def tracker(campaign: CampaignId, _hq: HQReader, submissions: Submissions) -> TrackerOut:
    return TrackerOut.of(await submissions.tracker(campaign))


@router.get(
    "/campaigns/{campaign}/submissions/{province}",
    response_model=SubmissionOut,
    summary="One province's submission with its history (hq, or the province itself)",
)
async def one_submission(
    campaign: CampaignId, province: ProvinceCode, ctx: Context, submissions: Submissions
) -> SubmissionOut:
    if not ctx.principal.can_read(province):
        raise NotFound(f"no submission of {province} for this token")
    return SubmissionOut.of(await submissions.of_province(campaign, province))


@router.post(
    "/campaigns/{campaign}/submissions/{province}/approve",
    response_model=SubmissionOut,
    summary="Approve a submission, which locks it (hq)",
    responses={409: {"description": "Nothing submitted to approve"}},
)
async def approve(
    campaign: CampaignId,
    province: ProvinceCode,
    _hq: HQReader,
    ctx: Context,
    submissions: Submissions,
    body: ApproveIn | None = None,
) -> SubmissionOut:
    comment = body.comment if body else None
    return SubmissionOut.of(await submissions.approve(ctx, campaign, province, comment))


@router.post(
    "/campaigns/{campaign}/submissions/{province}/return",
    response_model=SubmissionOut,
    summary="Return a submission to the province with a comment (hq)",
    responses={409: {"description": "Nothing submitted to return"}},
)
async def return_submission(
    campaign: CampaignId,
    province: ProvinceCode,
    body: ReturnIn,
    _hq: HQReader,
    ctx: Context,
    submissions: Submissions,
) -> SubmissionOut:
    return SubmissionOut.of(await submissions.return_(ctx, campaign, province, body.comment))
