"""Use cases of inspection sessions: schedule, change (a larger capacity promotes waiting
bookings), cancel (with its open bookings), read and list."""

from __future__ import annotations

import uuid
from typing import Any

from sanjin_inspection.adapters.repository import BookingRepository, SessionRepository
from sanjin_inspection.domain.booking import Booking, CancelledBy
from sanjin_inspection.domain.session import InspectionSession
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.idempotency import Outcome, create_once
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.records import (
    RequestContext,
    Stored,
    envelopes,
    external_id_lookup,
    visible,
)

PRODUCER = "inspection"
Session = Stored[InspectionSession]


def publish(tx: Transaction, ctx: RequestContext, now: Any, *records: Any) -> None:
    """Queue the new events of changed records, each at its record's new version."""
    for record in records:
        tx.publish(
            *envelopes(record.events, producer=PRODUCER, version=record.version, ctx=ctx, now=now)
        )


async def visible_session(
    sessions: SessionRepository, ctx: RequestContext, session_id: str, tx: Transaction | None = None
) -> Session:
    """The session, if the caller may see it (another province's is a 404)."""
    return await visible(
        sessions, ctx, session_id, what="inspection session", session=tx.session if tx else None
    )


async def promote_waiting(
    tx: Transaction,
    ctx: RequestContext,
    sessions: SessionRepository,
    bookings: BookingRepository,
    session: InspectionSession,
    places: int,
    now: Any,
) -> list[Booking]:
    """Confirm the first `places` waitlisted bookings of the session, in their order."""
    waiting = await bookings.first_waitlisted(session.id, places, session=tx.session)
    promoted = [b.promote() for b in waiting]
    if promoted:
        await bookings.save_all(
            [(p, w.version) for p, w in zip(promoted, waiting, strict=True)],
            now=now,
            session=tx.session,
        )
        await sessions.adjust(
            session.id, confirmed=len(promoted), waitlisted=-len(promoted), session=tx.session
        )
        publish(tx, ctx, now, *promoted)
    return promoted


class SessionService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._sessions = SessionRepository(uow.db)
        self._bookings = BookingRepository(uow.db)
        self._clock = clock

    async def schedule(
        self,
        ctx: RequestContext,
        fields: dict[str, Any],
        *,
        province: str | None,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Session]:
        owner = ctx.principal.write_province(province)

        async def create(tx: Transaction) -> Stored[InspectionSession]:
            now = self._clock()
            session = InspectionSession.schedule(
                id=f"is_{uuid.uuid4().hex}", province=owner, **fields
            )
            stored = await self._sessions.add(
                session, fingerprint=request_fingerprint, now=now, session=tx.session
            )
            publish(tx, ctx, now, session)
            return stored

        return await create_once(
            self._uow,
            scope=f"inspection_session:{owner}",
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            find_by_external_id=external_id_lookup(
                self._sessions, owner, fields.get("external_id")
            ),
            create=create,
            load=self.loader(ctx),
        )

    def loader(self, ctx: RequestContext) -> Any:
        return lambda session_id: visible(
            self._sessions, ctx, session_id, what="inspection session"
        )

    async def update(
        self, ctx: RequestContext, session_id: str, changes: dict[str, Any]
    ) -> Session:
        async def body(tx: Transaction) -> None:
            stored = await self._visible(ctx, session_id, tx)
            now = self._clock()
            current = stored.record
            changed = current.update(**changes)
            await self._sessions.save(
                changed, expected_version=current.version, now=now, session=tx.session
            )
            publish(tx, ctx, now, changed)
            freed = changed.capacity - current.confirmed
            if freed > 0 and current.waitlisted:
                await promote_waiting(tx, ctx, self._sessions, self._bookings, changed, freed, now)

        await self._run(body)
        return await self.get(ctx, session_id)

    async def cancel(self, ctx: RequestContext, session_id: str, reason: str) -> Session:
        async def body(tx: Transaction) -> None:
            stored = await self._visible(ctx, session_id, tx)
            now = self._clock()
            current = stored.record
            open_bookings = await self._bookings.open_of_session(session_id, session=tx.session)
            cancelled = current.cancel(reason, bookings_cancelled=len(open_bookings))
            await self._sessions.save(
                cancelled, expected_version=current.version, now=now, session=tx.session
            )
            released = [b.cancel(CancelledBy.session_cancelled) for b in open_bookings]
            await self._bookings.save_all(
                [(r, b.version) for r, b in zip(released, open_bookings, strict=True)],
                now=now,
                session=tx.session,
            )
            publish(tx, ctx, now, cancelled, *released)

        await self._run(body)
        return await self.get(ctx, session_id)

    async def get(self, ctx: RequestContext, session_id: str) -> Session:
        return await visible(self._sessions, ctx, session_id, what="inspection session")

    async def list(
        self, ctx: RequestContext, query: dict[str, Any], *, cursor: str | None, limit: int
    ) -> list[Session]:
        return await self._sessions.list(ctx.scope(query), cursor=cursor, limit=limit)

    async def _visible(self, ctx: RequestContext, session_id: str, tx: Transaction) -> Session:
        return await visible_session(self._sessions, ctx, session_id, tx)

    async def _run(self, body: Any) -> None:
        await self._uow.run(body)  # a ConcurrentModification is answered by problems.py
