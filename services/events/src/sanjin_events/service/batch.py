"""Bulk import of activities (`POST /v1/activities:batch`), idempotent by `external_id`.

A provincial system can send the same file again safely: an item whose external id is stored
with the same content is `ignored`; with different content it `updated` the activity's details
(a cancelled activity, a changed campaign, or a changed kind of a reported one is a conflict);
a new external id is `created`. Every item needs an external id, since without one a re-sent file
would duplicate. All writes of one import are one transaction; `dry_run` writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from sanjin_events.adapters.repository import ActivityRepository
from sanjin_events.domain.activity import Activity
from sanjin_events.domain.commands import ScheduleActivity
from sanjin_events.service.activities import envelopes_of, new_activity_id
from sanjin_shared.batch import ImportSummary, ItemConflict, ItemResult, ItemStatus
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import DomainError, RuleViolation
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Problem


@dataclass(frozen=True, slots=True)
class ImportItem:
    index: int
    fingerprint: str
    command: ScheduleActivity

    @property
    def external_id(self) -> str | None:
        return self.command.external_id


class ActivityImport:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._repo = ActivityRepository(uow.db)
        self._clock = clock

    async def run(
        self,
        ctx: RequestContext,
        items: list[ImportItem],
        conflicts: list[ItemConflict],
        *,
        dry_run: bool,
    ) -> ImportSummary:
        try:
            results, more = await self._attempt(ctx, items, dry_run=dry_run)
        except DuplicateKeyError:
            # the same file sent twice at once: the other import won; this one now sees its records
            results, more = await self._attempt(ctx, items, dry_run=dry_run)
        return ImportSummary.of(results, conflicts + more, dry_run=dry_run)

    async def _attempt(
        self, ctx: RequestContext, items: list[ImportItem], *, dry_run: bool
    ) -> tuple[list[ItemResult], list[ItemConflict]]:
        outcome: tuple[list[ItemResult], list[ItemConflict]] = ([], [])

        async def body(tx: Transaction | None) -> None:
            results, conflicts = await self._classify(ctx, items, tx, write=not dry_run)
            outcome[0][:] = results
            outcome[1][:] = conflicts

        if dry_run:
            await body(None)
        else:
            await self._uow.run(body)
        return outcome

    async def _classify(
        self, ctx: RequestContext, items: list[ImportItem], tx: Transaction | None, *, write: bool
    ) -> tuple[list[ItemResult], list[ItemConflict]]:
        results: list[ItemResult] = []
        conflicts: list[ItemConflict] = []
        by_province: dict[str, list[tuple[ImportItem, str]]] = defaultdict(list)
        for item in items:
            if item.external_id is None:
                conflicts.append(
                    _conflict(
                        item,
                        "external_id",
                        "batch items need an external_id, so the file can be sent again safely",
                    )
                )
                continue
            try:
                province = ctx.principal.write_province(item.command.province)
            except Problem as exc:
                conflicts.append(_conflict(item, "province", exc.detail))
                continue
            by_province[province].append((item, item.external_id))

        now = self._clock()
        session = tx.session if tx else None
        new: list[tuple[Activity, str]] = []
        for province, entries in by_province.items():
            stored = await self._repo.by_external_ids(
                province, [e for _, e in entries], session=session
            )
            seen: dict[str, str] = {}  # external id -> fingerprint, within this file
            for item, external_id in entries:
                if external_id in seen:
                    if seen[external_id] == item.fingerprint:
                        results.append(
                            ItemResult(
                                index=item.index, status=ItemStatus.ignored, external_id=external_id
                            )
                        )
                    else:
                        conflicts.append(
                            _conflict(
                                item,
                                "external_id",
                                "the same external_id appears earlier in this file with other content",
                            )
                        )
                    continue
                try:
                    if external_id in stored:
                        current, fingerprint = stored[external_id]
                        if fingerprint == item.fingerprint:
                            status, record = ItemStatus.ignored, current
                        else:
                            record = current.revise(item.command)
                            status = ItemStatus.updated
                            if write and tx is not None:
                                await self._repo.save(
                                    record,
                                    expected_version=current.version,
                                    now=now,
                                    session=tx.session,
                                    fingerprint=item.fingerprint,
                                )
                                tx.publish(*envelopes_of(record, ctx, now))
                    else:
                        record = Activity.schedule(
                            id=new_activity_id(),
                            province=province,
                            details=item.command,
                            external_id=external_id,
                        )
                        status = ItemStatus.created
                        new.append((record, item.fingerprint))
                except DomainError as exc:
                    field = exc.field if isinstance(exc, RuleViolation) else None
                    conflicts.append(_conflict(item, field, exc.message))
                    continue
                seen[external_id] = item.fingerprint
                results.append(
                    ItemResult(
                        index=item.index, status=status, id=record.id, external_id=external_id
                    )
                )
        if write and tx is not None and new:
            await self._repo.add_many(new, now=now, session=tx.session)
            for record, _ in new:
                tx.publish(*envelopes_of(record, ctx, now))
        return results, conflicts


def _conflict(item: ImportItem, field: str | None, detail: str) -> ItemConflict:
    prefix = f"{field}: " if field else ""
    return ItemConflict(
        index=item.index, field=field, detail=prefix + detail, external_id=item.external_id
    )
