"""Use cases of the report package: upload, list and download files; write and read typical
cases. A province writes and reads its own package; hq, admin and viewers read every one.

Every file is checked before it is stored (`sanjin_shared.uploads.inspect`: its type from its
content, no executables, macros, zip bombs or XML entities, images re-encoded without metadata),
and refused with 413 when it would pass the size limit of one file or of the province's package
of the campaign: nothing of a refused file is stored.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sanjin_aggregator.adapters.campaigns import CampaignRepository
from sanjin_aggregator.adapters.package import CaseFilter, CaseRepository, FileFilter, FileStore
from sanjin_aggregator.domain.package import (
    ACCEPTED,
    MAX_CASE_ACTIVITIES,
    MAX_CASE_PHOTOS,
    Case,
    FileKind,
    StoredFile,
)
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.office import EXTENSIONS, IMAGES, UnsafeFile
from sanjin_shared.problems import NotFound, Problem, Unprocessable
from sanjin_shared.uploads import inspect, preview

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\\/:*?\"<>|]+")


@dataclass(frozen=True, slots=True)
class SizeLimits:
    max_file_bytes: int
    max_package_bytes: int


class PackageService:
    def __init__(self, uow: UnitOfWork, limits: SizeLimits, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._files = FileStore(uow.db)
        self._cases = CaseRepository(uow.db)
        self._campaigns = CampaignRepository(uow.db)
        self._limits = limits
        self._clock = clock

    # -- files ----------------------------------------------------------------------------------

    async def upload(
        self,
        ctx: RequestContext,
        campaign: str,
        kind: FileKind,
        filename: str,
        data: bytes,
        *,
        province: str | None = None,
    ) -> tuple[StoredFile, bool]:
        """The stored file, and whether it is new (False: the same content of the same kind was
        stored before in this package, and that file is the answer)."""
        owner = ctx.principal.write_province(province)
        await self._campaign(campaign)
        self._fits(len(data), await self._files.used_bytes(campaign, owner))
        try:
            checked = await asyncio.to_thread(inspect, data, ACCEPTED[kind])
        except UnsafeFile as exc:
            if exc.status == 413:
                raise Problem(exc.message, status=413, slug=exc.slug) from exc
            raise Unprocessable(exc.message, field="file", reason=exc.slug) from exc
        self._fits(checked.size, await self._files.used_bytes(campaign, owner))
        stored = StoredFile(
            id=f"file_{uuid.uuid4().hex}",
            campaign=campaign,
            province=owner,
            kind=kind,
            filename=_safe_name(filename, EXTENSIONS[checked.media_type]),
            media_type=checked.media_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_at=self._clock(),
            uploaded_by=ctx.principal.sub,
        )

        earlier = await self._files.same(stored)
        if earlier is not None:  # the same content sent again (a retry): stored once
            return earlier, False
        # GridFS writes outside transactions: the file first, then its audit entry; a file whose
        # entry could not be written is removed again
        await self._files.put(stored, checked.content)

        async def audit(tx: Transaction) -> None:
            tx.audit(
                "FileUploaded",
                "file",
                stored.id,
                record_version=1,
                record_province=owner,
                correlation_id=ctx.correlation_id,
            )

        try:
            await self._uow.run(audit)
        except BaseException:
            await self._files.delete(stored.id)
            raise
        return await self._files.get(stored.id) or stored, True

    async def file(self, ctx: RequestContext, file_id: str) -> StoredFile:
        found = await self._files.get(file_id)
        if found is None or not ctx.principal.can_read(found.province):
            raise NotFound(f"no file {file_id}")
        return found

    def content(self, file_id: str) -> AsyncIterator[bytes]:
        return self._files.chunks(file_id)

    async def preview(self, ctx: RequestContext, file_id: str) -> bytes:
        """A small JPEG of a photo (404 for a file that is not an image)."""
        found = await self.file(ctx, file_id)
        if found.media_type not in IMAGES:
            raise NotFound(f"{file_id} is not an image: it has no preview")
        content = b"".join([chunk async for chunk in self._files.chunks(file_id)])
        return await asyncio.to_thread(preview, content)

    async def files(
        self, ctx: RequestContext, campaign: str, *, province: str | None, kind: FileKind | None
    ) -> list[StoredFile]:
        flt = FileFilter(campaign=campaign, province=province, kind=kind)
        return await self._files.list(flt.for_caller(ctx.principal))

    def _fits(self, size: int, used: int) -> None:
        limits = self._limits
        if size > limits.max_file_bytes:
            raise Problem(
                f"文件大小 {size:,} 字节，超过单个文件上限 {limits.max_file_bytes:,} 字节",
                status=413,
                slug="file-too-large",
                limit_bytes=limits.max_file_bytes,
            )
        if used + size > limits.max_package_bytes:
            raise Problem(
                f"本省报送材料已有 {used:,} 字节，加上此文件将超过上限 "
                f"{limits.max_package_bytes:,} 字节",
                status=413,
                slug="package-too-large",
                limit_bytes=limits.max_package_bytes,
                used_bytes=used,
            )

    async def _campaign(self, campaign: str) -> None:
        if await self._campaigns.get(campaign) is None:
            raise NotFound(f"no campaign {campaign}")

    # -- typical cases --------------------------------------------------------------------------

    async def create_case(
        self,
        ctx: RequestContext,
        campaign: str,
        *,
        title: str,
        text: str,
        activity_ids: tuple[str, ...],
        photo_ids: tuple[str, ...],
        province: str | None = None,
    ) -> tuple[Case, Any, Any]:
        owner = ctx.principal.write_province(province)
        await self._campaign(campaign)
        case = Case(
            id=f"case_{uuid.uuid4().hex}",
            campaign=campaign,
            province=owner,
            title=title,
            text=text,
            activity_ids=_unique(activity_ids, MAX_CASE_ACTIVITIES, "activity_ids"),
            photo_ids=_unique(photo_ids, MAX_CASE_PHOTOS, "photo_ids"),
        )
        case.check_photos(await self._files.many(list(case.photo_ids)))
        now = self._clock()

        async def add(tx: Transaction) -> None:
            await self._cases.add(case, now=now, by=ctx.principal.sub, session=tx.session)
            self._audit(tx, ctx, "CaseCreated", case)

        await self._uow.run(add)
        return case, now, now

    async def revise_case(
        self,
        ctx: RequestContext,
        case_id: str,
        *,
        title: str,
        text: str,
        activity_ids: tuple[str, ...],
        photo_ids: tuple[str, ...],
    ) -> tuple[Case, Any, Any]:
        current, created_at, _ = await self.case(ctx, case_id)
        ctx.principal.write_province(current.province)
        case = current.revise(
            title,
            text,
            _unique(activity_ids, MAX_CASE_ACTIVITIES, "activity_ids"),
            _unique(photo_ids, MAX_CASE_PHOTOS, "photo_ids"),
        )
        case.check_photos(await self._files.many(list(case.photo_ids)))
        now = self._clock()

        async def save(tx: Transaction) -> None:
            await self._cases.save(case, now=now, session=tx.session)
            self._audit(tx, ctx, "CaseRevised", case)

        await self._uow.run(save)  # a ConcurrentModification is answered by problems.py
        return case, created_at, now

    @staticmethod
    def _audit(tx: Transaction, ctx: RequestContext, action: str, case: Case) -> None:
        tx.audit(
            action,
            "case",
            case.id,
            record_version=case.version,
            record_province=case.province,
            correlation_id=ctx.correlation_id,
        )

    async def case(self, ctx: RequestContext, case_id: str) -> tuple[Case, Any, Any]:
        found = await self._cases.get(case_id)
        if found is None or not ctx.principal.can_read(found[0].province):
            raise NotFound(f"no case {case_id}")
        return found

    async def cases(
        self, ctx: RequestContext, campaign: str, *, province: str | None
    ) -> list[tuple[Case, Any, Any]]:
        flt = CaseFilter(campaign=campaign, province=province)
        return await self._cases.list(flt.for_caller(ctx.principal))


async def package_contents(
    db: Any, campaign: str, province: str, file_ids: tuple[str, ...], case_ids: tuple[str, ...]
) -> None:
    """That every file and case a submission names belongs to this province's package of the
    campaign (422 naming the first that does not)."""
    files = await FileStore(db).many(list(file_ids)) if file_ids else {}
    for file_id in file_ids:
        found = files.get(file_id)
        if found is None or (found.campaign, found.province) != (campaign, province):
            raise Unprocessable(f"{file_id} 不是本省本次活动的报送材料", field="files")
    cases = await CaseRepository(db).ids(list(case_ids)) if case_ids else {}
    for case_id in case_ids:
        case = cases.get(case_id)
        if case is None or (case.campaign, case.province) != (campaign, province):
            raise Unprocessable(f"{case_id} 不是本省本次活动的典型案例", field="cases")


def _unique(ids: tuple[str, ...], limit: int, field: str) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(ids))
    if len(unique) > limit:
        raise Unprocessable(f"at most {limit} {field}", field=field)
    return unique


def _safe_name(filename: str, extension: str) -> str:
    """The uploaded name without a path or control characters, with the extension of what the
    content is (a photo named `.pdf` is stored as `.jpg`)."""
    base = os.path.basename(filename.replace("\\", "/"))
    stem = _UNSAFE_NAME.sub("_", os.path.splitext(base)[0]).strip(" .")[:120] or "file"
    return f"{stem}.{extension}"
