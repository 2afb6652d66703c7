"""HTTP routes of campaigns and the provinces' report submissions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response, status
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from sanjin_aggregator.api.routes import CampaignId, Store
from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.submission import Channel, Step, Submission
from sanjin_aggregator.service.campaigns import CampaignService
from sanjin_aggregator.service.submissions import SubmissionService, Tracker
from sanjin_shared.app import PlatformDep
from sanjin_shared.auth import Admin, HQReader, ProvinceOnly, StatisticsReader
from sanjin_shared.clock import BEIJING
from sanjin_shared.context import Context, ReaderContext
from sanjin_shared.problems import NotFound
from sanjin_shared.reference import PROVINCES, ProvinceCode

router = APIRouter(prefix="/v1", tags=["campaigns and submissions"])


async def get_submissions(
    platform: PlatformDep, store: Store, ctx: ReaderContext
) -> SubmissionService:
    return SubmissionService(platform.unit_of_work(ctx.actor), store)


async def get_campaigns(platform: PlatformDep, ctx: ReaderContext) -> CampaignService:
    # the viewer reads the campaigns too; defining one is guarded by its route (admin)
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


FileId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_.-]{1,64}$")]


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
    ]
    files: list[FileId] = Field(
        default=[],
        max_length=50,
        description="The report package's files (POST .../files): the summary, photos",
    )
    cases: list[FileId] = Field(
        default=[], max_length=50, description="The typical cases (POST .../cases) it names"
    )


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment | None = None


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment


def _plausible(moment: datetime) -> datetime:
    """A time of this century (far ones overflow when moved between time zones)."""
    if not 2000 <= moment.year <= 2099:
        raise ValueError("a time between the years 2000 and 2099")
    return moment


PlausibleTime = Annotated[AwareDatetime, AfterValidator(_plausible)]


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deadline: PlausibleTime = Field(
        description="The unit's own deadline, later than the campaign's, e.g. "
        "2019-12-07T23:59:59+08:00 (inclusive to the end of its last second)"
    )
    reason: Comment


class OnBehalfIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
    ]
    channel: Literal["email", "paper"] = Field(description="How the report reached headquarters")
    received_at: PlausibleTime = Field(
        description="When it reached headquarters (decides timeliness), not in the future"
    )
    files: list[FileId] = Field(
        default=[],
        max_length=50,
        description="Ids of the files that came with it, in the unit's package of the campaign",
    )


class StepOut(BaseModel):
    action: Literal["submitted", "approved", "returned", "extended"]
    at: datetime = Field(description="When it was recorded in Sanjin")
    by: str
    summary: str | None = None
    on_time: bool | None = Field(
        default=None,
        description="submitted: whether this delivery arrived by the deadline then in force; "
        "approved: the unit's timeliness, settled by the approval",
    )
    snapshot: dict[str, Any] | None = None
    changes: dict[str, dict[str, Any]] | None = Field(
        default=None,
        description="Metrics that changed since the previous snapshot: {before, after}",
    )
    comment: str | None = None
    channel: Literal["sanjin", "email", "paper"] = "sanjin"
    received_at: datetime | None = Field(
        default=None, description="Recorded on behalf: when the report reached headquarters"
    )
    files: list[str] = []
    cases: list[str] = []
    as_of: datetime | None = Field(default=None, description="The snapshot's figures' time")
    deadline: datetime | None = Field(
        default=None, description="extended: the unit's new deadline; approved: the one judged by"
    )
    days_late: int | None = None
    reason: str | None = None

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
            channel=step.channel,  # type: ignore[arg-type]
            received_at=_beijing(step.received_at) if step.received_at else None,
            files=list(step.files),
            cases=list(step.cases),
            as_of=_beijing(step.as_of) if step.as_of else None,
            deadline=_beijing(step.deadline) if step.deadline else None,
            days_late=step.days_late,
            reason=step.reason,
        )


Status = Literal["missing", "submitted", "approved", "returned"]


class TimelinessOut(BaseModel):
    deadline: datetime = Field(
        description="The unit's own deadline (its extension, else the campaign's)"
    )
    extended: bool = Field(description="The unit has an extension")
    on_time: bool | None = Field(
        description="Judged on the first submission's arrival; null while nothing is submitted"
    )
    days_late: int = Field(
        description="Days begun after the deadline: of the first submission, or, while missing, "
        "of today"
    )


class SubmissionOut(TimelinessOut):
    campaign: str
    province: str
    name: str
    status: Status
    submitted_at: datetime | None = Field(description="The latest submission")
    first_submitted_at: datetime | None = Field(
        description="When the first submission reached headquarters"
    )
    channel: Literal["sanjin", "email", "paper"] | None = Field(
        description="How the latest submission came: email or paper = recorded on behalf"
    )
    attempts: int
    summary: str | None
    snapshot: dict[str, Any] | None
    changes_since_last: dict[str, dict[str, Any]] | None
    comment: str | None = Field(description="Headquarters' comment when it returned the report")
    approved_at: datetime | None
    history: list[StepOut]

    @classmethod
    def of(cls, campaign: Campaign, s: Submission, now: datetime) -> SubmissionOut:
        latest, first, approval = s.latest, s.first, s.approval
        return cls(
            campaign=s.campaign,
            province=s.province,
            name=PROVINCES[s.province],
            status=s.status.value,
            submitted_at=_beijing(latest.at) if latest else None,
            first_submitted_at=_beijing(first.arrived_at) if first else None,
            channel=latest.channel if latest else None,  # type: ignore[arg-type]
            attempts=s.attempts,
            summary=latest.summary if latest else None,
            snapshot=latest.snapshot if latest else None,
            changes_since_last=latest.changes if latest else None,
            comment=_return_comment(s),
            approved_at=_beijing(approval.at) if approval else None,
            history=[StepOut.of(step) for step in s.history],
            **_timeliness(campaign, s, now),
        )


def _timeliness(campaign: Campaign, s: Submission, now: datetime) -> dict[str, Any]:
    judged = s.timeliness(campaign, now)
    return {
        "deadline": _beijing(judged.deadline),
        "extended": s.extension is not None,
        "on_time": judged.on_time,
        "days_late": judged.days_late,
    }


def _return_comment(s: Submission) -> str | None:
    """The comment of the return in force (the latest step that is not an extension)."""
    last = next((step for step in reversed(s.history) if step.action != "extended"), None)
    return last.comment if last and last.action == "returned" else None


class TrackerRowOut(TimelinessOut):
    province: str
    name: str
    status: Status
    submitted_at: datetime | None
    first_submitted_at: datetime | None
    channel: Literal["sanjin", "email", "paper"] | None
    overdue: bool = Field(description="Missing after its deadline")
    attempts: int
    comment: str | None = Field(description="Headquarters' comment when it returned the report")
    approved_at: datetime | None


class TrackerSummary(BaseModel):
    expected: int
    submitted: int = Field(description="Submitted or approved now")
    on_time: int
    late: int
    approved: int
    returned: int
    missing: list[str] = Field(description="Province codes without any submission")
    overdue: list[str] = Field(description="Missing after their deadline")


class TrackerOut(BaseModel):
    campaign: str
    report_deadline: datetime = Field(description="The campaign's deadline")
    items: list[TrackerRowOut]
    summary: TrackerSummary

    @classmethod
    def of(cls, tracker: Tracker, now: datetime) -> TrackerOut:
        items = []
        for row in tracker.rows:
            s, latest, first, approval = (
                row.submission,
                row.submission.latest,
                row.submission.first,
                row.submission.approval,
            )
            items.append(
                TrackerRowOut(
                    province=row.province,
                    name=row.name,
                    status=s.status.value,
                    submitted_at=_beijing(latest.at) if latest else None,
                    first_submitted_at=_beijing(first.arrived_at) if first else None,
                    channel=latest.channel if latest else None,  # type: ignore[arg-type]
                    overdue=row.overdue,
                    attempts=s.attempts,
                    comment=_return_comment(s),
                    approved_at=_beijing(approval.at) if approval else None,
                    **_timeliness(tracker.campaign, s, now),
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
    operation_id="campaigns-define",
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


@router.get(
    "/campaigns",
    operation_id="campaigns-list",
    response_model=CampaignList,
    summary="The campaigns",
)
async def list_campaigns(_ctx: ReaderContext, campaigns: Campaigns) -> CampaignList:
    return CampaignList(items=[CampaignOut.of(c) for c in await campaigns.all()])


@router.get(
    "/campaigns/{campaign}",
    operation_id="campaigns-get",
    response_model=CampaignOut,
    summary="One campaign",
)
async def get_campaign(
    campaign: CampaignId, _ctx: ReaderContext, campaigns: Campaigns
) -> CampaignOut:
    return CampaignOut.of(await campaigns.get(campaign))


# -- submissions -----------------------------------------------------------------------------------


async def _out(submissions: SubmissionService, changed: Submission) -> SubmissionOut:
    return SubmissionOut.of(
        await submissions.campaign(changed.campaign), changed, submissions.now()
    )


@router.post(
    "/campaigns/{campaign}/submissions",
    operation_id="submissions-submit",
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
    submitted = await submissions.submit(
        ctx, campaign, body.summary, files=tuple(body.files), cases=tuple(body.cases)
    )
    return await _out(submissions, submitted)


@router.get(
    "/campaigns/{campaign}/submissions",
    operation_id="submissions-track",
    response_model=TrackerOut,
    summary="The tracker: the 32 reporting units with their deadline, timeliness and days late "
    "(hq, viewer)",
)
async def tracker(
    campaign: CampaignId, _reader: StatisticsReader, submissions: Submissions
) -> TrackerOut:
    return TrackerOut.of(await submissions.tracker(campaign), submissions.now())


@router.get(
    "/campaigns/{campaign}/submissions/{province}",
    operation_id="submissions-get",
    response_model=SubmissionOut,
    summary="One unit's submission with its history: every version, what changed between them, "
    "the returns' comments (hq, viewer, or the province itself)",
)
async def one_submission(
    campaign: CampaignId, province: ProvinceCode, ctx: ReaderContext, submissions: Submissions
) -> SubmissionOut:
    if not ctx.principal.can_read(province):
        raise NotFound(f"no submission of {province} for this token")
    found_campaign, found = await submissions.of_province(campaign, province)
    return SubmissionOut.of(found_campaign, found, submissions.now())


@router.post(
    "/campaigns/{campaign}/submissions/{province}/approve",
    operation_id="submissions-approve",
    response_model=SubmissionOut,
    summary="Approve a submission, which locks it and settles its timeliness (hq)",
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
    return await _out(submissions, await submissions.approve(ctx, campaign, province, comment))


@router.post(
    "/campaigns/{campaign}/submissions/{province}/return",
    operation_id="submissions-return",
    response_model=SubmissionOut,
    summary="Return a submission to the province with a comment it sees (hq)",
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
    return await _out(submissions, await submissions.return_(ctx, campaign, province, body.comment))


@router.post(
    "/campaigns/{campaign}/submissions/{province}/extend",
    response_model=SubmissionOut,
    operation_id="submissions-extend",
    summary="Give one unit its own deadline, with a reason (hq); its timeliness is judged again",
    responses={409: {"description": "The submission is approved"}},
)
async def extend(
    campaign: CampaignId,
    province: ProvinceCode,
    body: ExtendIn,
    _hq: HQReader,
    ctx: Context,
    submissions: Submissions,
) -> SubmissionOut:
    changed = await submissions.extend(ctx, campaign, province, body.deadline, body.reason)
    return await _out(submissions, changed)


@router.post(
    "/campaigns/{campaign}/submissions/{province}/on-behalf",
    response_model=SubmissionOut,
    status_code=201,
    operation_id="submissions-record-on-behalf",
    summary="Record a report that reached headquarters by e-mail or on paper, for the unit (hq)",
    description="Marked with its channel and audited. Its arrival time decides timeliness. The "
    "snapshot is the unit's figures in Sanjin now. The files that came with it are uploaded "
    "first into the unit's package (POST .../files with its province) and named by their ids.",
    responses={409: {"description": "The submission is approved and locked"}},
)
async def record_on_behalf(
    campaign: CampaignId,
    province: ProvinceCode,
    body: OnBehalfIn,
    _hq: HQReader,
    ctx: Context,
    submissions: Submissions,
) -> SubmissionOut:
    changed = await submissions.record_on_behalf(
        ctx,
        campaign,
        province,
        body.summary,
        Channel(body.channel),
        body.received_at,
        tuple(body.files),
    )
    return await _out(submissions, changed)
