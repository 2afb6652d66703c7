"""HTTP routes of the report package: files (`POST /v1/campaigns/{campaign}/files`,
`GET /v1/files/{id}`) and typical cases (典型案例). A province writes and reads its own; hq, admin
and viewers read every province's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi import Response as FastAPIResponse
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sanjin_aggregator.api.routes import CampaignId
from sanjin_aggregator.domain.package import (
    MAX_CASE_ACTIVITIES,
    MAX_CASE_PHOTOS,
    Case,
    FileKind,
    StoredFile,
)
from sanjin_aggregator.service.package import PackageService, SizeLimits
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_shared.app import PlatformDep
from sanjin_shared.records import Context
from sanjin_shared.reference import ProvinceCode

router = APIRouter(prefix="/v1", tags=["report package"])


async def get_package(platform: PlatformDep, ctx: Context) -> PackageService:
    settings = platform.settings
    assert isinstance(settings, AggregatorSettings)
    limits = SizeLimits(settings.max_file_bytes, settings.max_package_bytes)
    return PackageService(platform.unit_of_work(ctx.actor), limits)


Package = Annotated[PackageService, Depends(get_package)]
RecordId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class FileOut(BaseModel):
    id: str
    sha256: str
    media_type: str = Field(description="Decided by the content, not the name or declared type")
    size: int
    campaign: str
    province: str
    kind: FileKind
    filename: str
    uploaded_at: datetime

    @classmethod
    def of(cls, f: StoredFile) -> FileOut:
        return cls(
            id=f.id,
            sha256=f.sha256,
            media_type=f.media_type.value,
            size=f.size,
            campaign=f.campaign,
            province=f.province,
            kind=f.kind,
            filename=f.filename,
            uploaded_at=f.uploaded_at,
        )


class FileList(BaseModel):
    items: list[FileOut]


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    activity_ids: list[RecordId] = Field(default_factory=list, max_length=MAX_CASE_ACTIVITIES)
    photo_ids: list[RecordId] = Field(default_factory=list, max_length=MAX_CASE_PHOTOS)


class CaseCreate(CaseIn):
    province: ProvinceCode | None = Field(default=None, description="Only for hq and admin.")


class CaseOut(BaseModel):
    id: str
    campaign: str
    province: str
    title: str
    text: str
    activity_ids: list[str]
    photo_ids: list[str]
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, found: tuple[Case, Any, Any]) -> CaseOut:
        case, created_at, updated_at = found
        return cls(
            id=case.id,
            campaign=case.campaign,
            province=case.province,
            title=case.title,
            text=case.text,
            activity_ids=list(case.activity_ids),
            photo_ids=list(case.photo_ids),
            version=case.version,
            created_at=created_at,
            updated_at=updated_at,
        )


class CaseList(BaseModel):
    items: list[CaseOut]


# -- files ------------------------------------------------------------------------------------------


@router.post(
    "/campaigns/{campaign}/files",
    operation_id="files-upload",
    status_code=201,
    response_model=FileOut,
    responses={200: {"model": FileOut, "description": "The same content stored earlier"}},
    summary="Upload a file of the province's report package",
    description="`kind`: summary (docx or pdf), case_photo, photo (jpeg or png), attachment "
    "(any of these). The type is decided by the content; executables, macros, zip bombs and "
    "XML entity declarations are refused (422); images are stored re-encoded without their "
    "metadata (no EXIF GPS). The same content of the same kind sent again is stored once "
    "(200 with the earlier file). A file over the size limit, or one that would take the "
    "province's package over its limit, is a 413 and nothing is stored.",
)
async def upload_file(
    campaign: CampaignId,
    ctx: Context,
    package: Package,
    response: FastAPIResponse,
    file: Annotated[UploadFile, File(description="The file")],
    kind: Annotated[FileKind, Form(description="summary | case_photo | photo | attachment")],
    province: Annotated[ProvinceCode | None, Form(description="Only for hq and admin")] = None,
) -> FileOut:
    data = await file.read()
    stored, new = await package.upload(
        ctx, campaign, kind, file.filename or "file", data, province=province
    )
    if not new:
        response.status_code = 200
    return FileOut.of(stored)


@router.get(
    "/campaigns/{campaign}/files",
    operation_id="files-list",
    response_model=FileList,
    summary="The files of the report packages (a province: its own)",
)
async def list_files(
    campaign: CampaignId,
    ctx: Context,
    package: Package,
    province: ProvinceCode | None = None,
    kind: FileKind | None = None,
) -> FileList:
    files = await package.files(ctx, campaign, province=province, kind=kind)
    return FileList(items=[FileOut.of(f) for f in files])


@router.get(
    "/files/{file_id}",
    operation_id="files-download",
    summary="Download a file (a province: its own)",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            }
        }
    },
)
async def download_file(file_id: str, ctx: Context, package: Package) -> StreamingResponse:
    found = await package.file(ctx, file_id)
    return StreamingResponse(
        package.content(found.id),
        media_type=found.media_type.value,
        headers={
            "Content-Length": str(found.size),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "ETag": f'"{found.sha256}"',
        },
    )


@router.get(
    "/files/{file_id}/preview",
    operation_id="files-preview",
    summary="A small JPEG of a photo (at most 320 pixels a side)",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def preview_file(file_id: str, ctx: Context, package: Package) -> Response:
    thumbnail = await package.preview(ctx, file_id)
    return Response(
        thumbnail,
        media_type="image/jpeg",
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


# -- typical cases ----------------------------------------------------------------------------------


@router.post(
    "/campaigns/{campaign}/cases",
    operation_id="cases-create",
    status_code=201,
    response_model=CaseOut,
    summary="Write a typical case (典型案例): title, text, related activities, photos",
)
async def create_case(
    campaign: CampaignId, body: CaseCreate, ctx: Context, package: Package
) -> CaseOut:
    found = await package.create_case(
        ctx,
        campaign,
        title=body.title,
        text=body.text,
        activity_ids=tuple(body.activity_ids),
        photo_ids=tuple(body.photo_ids),
        province=body.province,
    )
    return CaseOut.of(found)


@router.get(
    "/campaigns/{campaign}/cases",
    operation_id="cases-list",
    response_model=CaseList,
    summary="The typical cases (a province: its own)",
)
async def list_cases(
    campaign: CampaignId,
    ctx: Context,
    package: Package,
    province: Annotated[ProvinceCode | None, Query()] = None,
) -> CaseList:
    return CaseList(
        items=[CaseOut.of(c) for c in await package.cases(ctx, campaign, province=province)]
    )


@router.get(
    "/cases/{case_id}", operation_id="cases-get", response_model=CaseOut, summary="One typical case"
)
async def get_case(case_id: str, ctx: Context, package: Package) -> CaseOut:
    return CaseOut.of(await package.case(ctx, case_id))


@router.put(
    "/cases/{case_id}",
    operation_id="cases-revise",
    response_model=CaseOut,
    summary="Rewrite a typical case (its province, hq or admin)",
)
async def revise_case(case_id: str, body: CaseIn, ctx: Context, package: Package) -> CaseOut:
    found = await package.revise_case(
        ctx,
        case_id,
        title=body.title,
        text=body.text,
        activity_ids=tuple(body.activity_ids),
        photo_ids=tuple(body.photo_ids),
    )
    return CaseOut.of(found)
