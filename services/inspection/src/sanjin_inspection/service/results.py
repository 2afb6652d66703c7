"""Use cases of results: record one (idempotent by key and external id), import many for a
session in one transaction, read and list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from sanjin_inspection.adapters.repository import (
    BookingRepository,
    ResultFilter,
    ResultRepository,
    SessionRepository,
)
from sanjin_inspection.domain.commands import RecordResult
from sanjin_inspection.domain.result import InspectionResult
from sanjin_inspection.service.sessions import PRODUCER, Session, publish, visible_session
from sanjin_shared.batch import ImportSummary, ItemConflict, ItemResult, ItemStatus
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import DomainError, RuleViolation
from sanjin_shared.idempotency import Outcome
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.repository import Stored
from sanjin_shared.usecases import Records


@dataclass(frozen=True, slots=True)
class ImportItem:
    index: int
    fingerprint: str
    result: RecordResult


class ResultService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._sessions = SessionRepository(uow.db)
        self._bookings = BookingRepository(uow.db)
        self._results = ResultRepository(uow.db)
        self._clock = clock
        self._records = Records(uow, self._results, "inspection result", PRODUCER, clock)

    async def record(
        self,
        ctx: RequestContext,
        session_id: str,
        command: RecordResult,
        *,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Stored[InspectionResult]]:
        province = (await self._session(ctx, session_id)).record.province

        async def make(tx: Transaction) -> InspectionResult:
            session = (await self._session(ctx, session_id, tx)).record
            booking = None
            if command.booking_id is not None:
                found = await self._bookings.get(command.booking_id, session=tx.session)
                if found is None or found.record.province != session.province:
                    raise RuleViolation("booking_id", f"本省没有标识为 {command.booking_id} 的预约")
                booking = found.record
            result = InspectionResult.record(
                id=f"ir_{uuid.uuid4().hex}",
                session=session,
                booking=booking,
                details=command,
                external_id=command.external_id,
                today=beijing_date(self._clock()),
            )
            await self._sessions.adjust(session.id, results=1, session=tx.session)
            return result

        return await self._records.create(
            ctx, make, province, command.external_id, idempotency_key, request_fingerprint
        )

    async def record_many(
        self,
        ctx: RequestContext,
        session_id: str,
        items: list[ImportItem],
        conflicts: list[ItemConflict],
        *,
        dry_run: bool,
    ) -> ImportSummary:
        """Import a session's results in one transaction, idempotent by external id.

        An external id already stored with the same content is `ignored`; with other content,
        or for another session, it is a conflict (results are not changed once recorded).
        With `dry_run` every rule is checked and nothing is written.
        """
        await self._session(ctx, session_id)
        outcome: list[tuple[list[ItemResult], list[ItemConflict]]] = []

        async def body(tx: Transaction | None) -> None:
            outcome[:] = [await self._classify(ctx, session_id, items, tx)]

        try:
            await (body(None) if dry_run else self._uow.run(body))
        except DuplicateKeyError:
            # the same file sent twice at once: the other import won; this one sees its results
            await self._uow.run(body)
        results, more = outcome[0]
        return ImportSummary.of(results, conflicts + more, dry_run=dry_run)

    async def _classify(
        self,
        ctx: RequestContext,
        session_id: str,
        items: list[ImportItem],
        tx: Transaction | None,
    ) -> tuple[list[ItemResult], list[ItemConflict]]:
        db_session = tx.session if tx else None
        session = (await self._session(ctx, session_id, tx)).record
        now = self._clock()
        today = beijing_date(now)
        wanted = [i.result.external_id for i in items if i.result.external_id]
        prior = await self._results.by_external_ids(session.province, wanted, session=db_session)
        bookings = await self._bookings.by_ids(
            [i.result.booking_id for i in items if i.result.booking_id], session=db_session
        )
        results: list[ItemResult] = []
        conflicts: list[ItemConflict] = []
        new: list[tuple[InspectionResult, str]] = []
        seen: dict[
            str, tuple[str, str]
        ] = {}  # external id -> (result id, fingerprint) in this file
        for item in items:
            given, external_id = item.result, item.result.external_id
            if external_id is None:
                conflicts.append(
                    _conflict(
                        item,
                        "external_id",
                        "每一行都需要编号，以便同一文件可以安全地再次上传",
                    )
                )
                continue
            earlier = seen.get(external_id)
            if earlier is None and external_id in prior:
                result_id, prior_session, fp = prior[external_id]
                if prior_session != session_id:
                    fp = ""  # another session's result: never the same content
                earlier = (result_id, fp)
            if earlier is not None:
                if earlier[1] == item.fingerprint:
                    results.append(
                        ItemResult(
                            index=item.index,
                            status=ItemStatus.ignored,
                            id=earlier[0],
                            external_id=external_id,
                        )
                    )
                else:
                    conflicts.append(
                        _conflict(
                            item,
                            "external_id",
                            "该编号的检测结果已登记且内容不同；已登记的检测结果不能修改",
                        )
                    )
                continue
            booking = bookings.get(given.booking_id) if given.booking_id else None
            try:
                if given.booking_id and (booking is None or booking.province != session.province):
                    raise RuleViolation("booking_id", f"本省没有标识为 {given.booking_id} 的预约")
                result = InspectionResult.record(
                    id=f"ir_{uuid.uuid4().hex}",
                    session=session,
                    booking=booking,
                    details=given,
                    external_id=external_id,
                    today=today,
                )
            except DomainError as exc:
                conflicts.append(ItemConflict.of_error(item.index, exc, external_id=external_id))
                continue
            new.append((result, item.fingerprint))
            seen[external_id] = (result.id, item.fingerprint)
            results.append(
                ItemResult(
                    index=item.index,
                    status=ItemStatus.created,
                    id=result.id,
                    external_id=external_id,
                )
            )
        if tx is not None and new:
            await self._results.add_many(new, now=now, session=tx.session)
            await self._sessions.adjust(session.id, results=len(new), session=tx.session)
            publish(tx, ctx, now, *(r for r, _ in new))
        return results, conflicts

    async def get(self, ctx: RequestContext, result_id: str) -> Stored[InspectionResult]:
        return await self._records.visible(ctx, result_id)

    async def list(
        self, ctx: RequestContext, flt: ResultFilter, *, cursor: str | None, limit: int
    ) -> list[Stored[InspectionResult]]:
        if flt.session_id is not None:
            await self._session(ctx, flt.session_id)  # another province's session is a 404
        return await self._records.list(ctx, flt, cursor=cursor, limit=limit)

    async def _session(
        self, ctx: RequestContext, session_id: str, tx: Transaction | None = None
    ) -> Session:
        return await visible_session(self._sessions, ctx, session_id, tx)


def _conflict(item: ImportItem, field: str, detail: str) -> ItemConflict:
    return ItemConflict(
        index=item.index,
        field=field,
        detail=f"{field}: {detail}",
        external_id=item.result.external_id,
    )
