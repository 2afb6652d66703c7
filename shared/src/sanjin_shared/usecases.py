"""The use-case helpers every intake service shares, written once.

- `envelopes`: a record's new events in envelopes at its new version;
- `create_record`: create a record once (an `Idempotency-Key` or an `external_id` makes a repeat
  answer with the first), with its events, in a transaction;
- `change_record`: load a record in a transaction, check the caller may see it, apply a domain
  change, save it and queue its events;
- `visible`: a record the caller may see (another province's is not found);
- `Records`: the three bound to one kind of record of a service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic

from pymongo.asynchronous.client_session import AsyncClientSession

from sanjin_shared.clock import Clock
from sanjin_shared.context import RequestContext
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope
from sanjin_shared.filters import RecordFilter
from sanjin_shared.idempotency import Outcome, PriorRecord, create_once
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import NotFound
from sanjin_shared.repository import R, RecordRepository, Stored


def envelopes(
    events: Sequence[DomainEvent],
    *,
    producer: str,
    version: int,
    ctx: RequestContext,
    now: datetime,
) -> list[EventEnvelope]:
    return [
        EventEnvelope.wrap(
            event,
            producer=producer,
            aggregate_version=version,
            correlation_id=ctx.correlation_id,
            causation_id=ctx.correlation_id,
            time=now,
        )
        for event in events
    ]


def external_id_lookup(
    repo: RecordRepository[R], province: str, external_id: str | None
) -> Callable[[Transaction], Awaitable[PriorRecord | None]] | None:
    """For `create_once`: the record already stored under this external id, if any (None: the
    request names no external id, so there is nothing to look up)."""
    if external_id is None:
        return None

    async def find(tx: Transaction) -> PriorRecord | None:
        return await repo.prior_by_external_id(province, external_id, session=tx.session)

    return find


async def visible(
    repo: RecordRepository[R],
    ctx: RequestContext,
    record_id: str,
    *,
    what: str,
    session: AsyncClientSession | None = None,
) -> Stored[R]:
    """The record, if it exists and the caller may see it (another province's is not found)."""
    stored = await repo.get(record_id, session=session)
    if stored is None or not ctx.principal.can_read(stored.record.province):
        raise NotFound(f"no {what} {record_id}")
    return stored


async def change_record(
    uow: UnitOfWork,
    repo: RecordRepository[R],
    ctx: RequestContext,
    record_id: str,
    change: Callable[[R, datetime], R],
    *,
    what: str,
    producer: str,
    clock: Clock,
) -> Stored[R]:
    """Apply a domain change to one record in a transaction, with its events; return it stored."""

    async def body(tx: Transaction) -> None:
        stored = await visible(repo, ctx, record_id, what=what, session=tx.session)
        now = clock()
        changed = change(stored.record, now)
        await repo.save(
            changed,
            expected_version=stored.record.version,
            now=now,
            session=tx.session,
        )
        tx.publish(
            *envelopes(
                changed.events,
                producer=producer,
                version=changed.version,
                ctx=ctx,
                now=now,
            )
        )

    await uow.run(body)  # a ConcurrentModification is answered by problems.py
    reloaded = await repo.get(record_id)
    assert reloaded is not None
    return reloaded


async def create_record(
    uow: UnitOfWork,
    repo: RecordRepository[R],
    ctx: RequestContext,
    make: Callable[[Transaction], Awaitable[R]],
    *,
    province: str,
    external_id: str | None,
    idempotency_key: str | None,
    request_fingerprint: str,
    what: str,
    producer: str,
    clock: Clock,
    then: Callable[[Transaction, Stored[R]], Awaitable[Stored[R]]] | None = None,
) -> Outcome[Stored[R]]:
    """Create one record at most once (`create_once`): `make` builds it in the transaction (and
    may write what it needs beside it, such as a place taken in a session); the record is
    inserted with the request's fingerprint and its events are queued; `then` does what follows
    from it in the same transaction and answers the record as it is then stored. A repeat
    answers with the record the first request created, as the caller may see it."""

    async def create(tx: Transaction) -> Stored[R]:
        record = await make(tx)
        now = clock()
        stored = await repo.add(
            record, fingerprint=request_fingerprint, now=now, session=tx.session
        )
        tx.publish(
            *envelopes(record.events, producer=producer, version=record.version, ctx=ctx, now=now)
        )
        return await then(tx, stored) if then is not None else stored

    async def load_visible(record_id: str) -> Stored[R]:
        return await visible(repo, ctx, record_id, what=what)

    return await create_once(
        uow,
        scope=f"{what.replace(' ', '_')}:{province}",  # e.g. "monitoring_point:110000"
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint,
        find_by_external_id=external_id_lookup(repo, province, external_id),
        create=create,
        load=load_visible,
    )


@dataclass(frozen=True, slots=True)
class Records(Generic[R]):
    """`create_record`, `change_record` and `visible`, bound to one kind of record of a service
    (its unit of work, repository, name, producer and clock), as its use cases call them."""

    uow: UnitOfWork
    repo: RecordRepository[R]
    what: str
    producer: str
    clock: Clock

    async def create(
        self,
        ctx: RequestContext,
        make: Callable[[Transaction], Awaitable[R]],
        province: str,
        external_id: str | None,
        idempotency_key: str | None,
        request_fingerprint: str,
        *,
        then: Callable[[Transaction, Stored[R]], Awaitable[Stored[R]]] | None = None,
    ) -> Outcome[Stored[R]]:
        return await create_record(
            self.uow,
            self.repo,
            ctx,
            make,
            province=province,
            external_id=external_id,
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            what=self.what,
            producer=self.producer,
            clock=self.clock,
            then=then,
        )

    async def change(
        self, ctx: RequestContext, record_id: str, change: Callable[[R, datetime], R]
    ) -> Stored[R]:
        return await change_record(
            self.uow,
            self.repo,
            ctx,
            record_id,
            change,
            what=self.what,
            producer=self.producer,
            clock=self.clock,
        )

    async def list(
        self, ctx: RequestContext, flt: RecordFilter, *, cursor: str | None, limit: int
    ) -> list[Stored[R]]:
        """A page of the records the filter names that the caller may see."""
        return await self.repo.list(flt.for_caller(ctx.principal), cursor=cursor, limit=limit)

    async def visible(
        self, ctx: RequestContext, record_id: str, *, session: AsyncClientSession | None = None
    ) -> Stored[R]:
        return await visible(self.repo, ctx, record_id, what=self.what, session=session)
