"""Excel in for a survey's paper responses: `GET /v1/surveys/{id}/responses/template.xlsx` and
`POST /v1/surveys/{id}/responses:import`.

The sheet is derived from the survey itself: a pydantic model made from its questions (one whole
number column per question, from 1 to its scale, required as the question is), so the same
engine writes the template and checks the rows. Rows are recorded by `respond_many`, the use
case of `responses:batch`, with the channel `paper`; a row's 问卷编号 is its respondent id, so
the same workbook again records nothing twice. Registered before `routes.py`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sanjin_shared.app import PlatformDep
from sanjin_shared.batch import MAX_BATCH_ITEMS, ItemConflict, ItemResult, ItemStatus
from sanjin_shared.campaigns import Campaigns
from sanjin_shared.context import Context
from sanjin_shared.workbook import Part, RecordSheet, template
from sanjin_shared.workbook.imports import (
    TEMPLATE_RESPONSE,
    WorkbookImport,
    import_report,
    read_upload,
    xlsx_response,
)
from sanjin_survey.domain.commands import Respond
from sanjin_survey.domain.survey import Survey
from sanjin_survey.service.surveys import SurveyService

router = APIRouter(prefix="/v1", tags=["surveys"])
KEY = "respondent_id"
CHANNEL = "paper"


def sheet_of(survey: Survey) -> RecordSheet:
    """The sheet of a survey's responses: 问卷编号, then one column per question."""
    fields: dict[str, Any] = {
        KEY: (
            str,
            Field(
                title="问卷编号",
                min_length=1,
                max_length=200,
                description="每份纸质问卷的编号，同一编号只记录一次",
            ),
        )
    }
    example: dict[str, Any] = {KEY: "001"}
    for i, question in enumerate(survey.questions):
        annotation: Any = int if question.required else int | None
        fields[f"q{i}"] = (
            annotation,
            Field(
                default=... if question.required else None,
                title=f"{i + 1}. {question.text}"[:120],
                description=f"1 到 {question.scale_max} 分"
                + ("" if question.required else "，可不填"),
                ge=1,
                le=question.scale_max,
            ),
        )
        example[f"q{i}"] = question.scale_max
    model: type[BaseModel] = create_model(
        "SurveyResponseRow", __config__=ConfigDict(extra="forbid"), **fields
    )
    return RecordSheet(
        name="满意度调查问卷",
        parts=(Part(model),),
        example=(example,),
        key=KEY,
        notes=(f"7. 本表对应满意度调查“{survey.title}”，每行录入一份纸质问卷。",),
    )


@router.get(
    "/surveys/{survey_id}/responses/template.xlsx",
    operation_id="responses-template-xlsx",
    summary="The template to type a survey's paper responses into",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def responses_template(survey_id: str, ctx: Context, platform: PlatformDep) -> Response:
    survey = (await SurveyService(platform.unit_of_work(ctx.actor)).get(ctx, survey_id)).record
    content = await run_in_threadpool(
        template, sheet_of(survey), max_rows=platform.settings.max_import_rows
    )
    return xlsx_response(content, "满意度调查问卷录入模板.xlsx")


@router.post(
    "/surveys/{survey_id}/responses:import",
    operation_id="responses-import-xlsx",
    response_model=WorkbookImport,
    summary="Record a survey's paper responses from a workbook, once per 问卷编号",
    description="Each row is a response, recorded as by `responses:batch` (channel `paper`). "
    "`dry_run=true` checks every row and writes nothing.",
)
async def import_responses(
    survey_id: str,
    ctx: Context,
    platform: PlatformDep,
    campaigns: Campaigns,
    file: Annotated[UploadFile, File(description="The filled-in template (.xlsx)")],
    dry_run: bool = False,
) -> WorkbookImport:
    service = SurveyService(platform.unit_of_work(ctx.actor))
    survey = (await service.get(ctx, survey_id)).record
    await campaigns.check(survey.campaign, survey.opens_on, "opens_on")  # as responses:batch
    sheet = sheet_of(survey)
    parsed = await read_upload(file, sheet, max_rows=platform.settings.max_import_rows)
    submissions = []
    for row in parsed.rows:
        values = row.parts[0].model_dump()  # type: ignore[union-attr]
        answers = {
            q.id: values[f"q{i}"]
            for i, q in enumerate(survey.questions)
            if values[f"q{i}"] is not None
        }
        submissions.append(Respond(respondent_id=values[KEY], answers=answers, channel=CHANNEL))
    results: list[ItemResult] = []
    conflicts: list[ItemConflict] = []
    if dry_run:
        results = [
            ItemResult(index=i, status=ItemStatus.created, external_id=s.respondent_id)
            for i, s in enumerate(submissions)
        ]
    for start in range(0, 0 if dry_run else len(submissions), MAX_BATCH_ITEMS):
        chunk = submissions[start : start + MAX_BATCH_ITEMS]
        outcomes = await service.respond_many(ctx, survey_id, chunk)
        for offset, outcome in enumerate(outcomes):
            index = start + offset
            key = chunk[offset].respondent_id
            if isinstance(outcome, Exception):
                conflicts.append(
                    ItemConflict.of_error(index, outcome, default_field=KEY, external_id=key)
                )
                continue
            recorded, created = outcome
            status = ItemStatus.created if created else ItemStatus.ignored
            results.append(ItemResult(index=index, status=status, id=recorded.id, external_id=key))
    return import_report(parsed, sheet, results, conflicts, dry_run=dry_run)
