"""Use cases of bookings: book a place (confirmed while places remain, else 409 or the waiting
line), cancel (the first in line takes the freed place), read and list.

The place itself is taken by the repository's conditional update, in the booking's
transaction: that is the whole capacity guarantee, and it holds across processes.
"""

from __future__ import annotations

import uuid

from sanjin_inspection.adapters.repository import (
    BookingFilter,
    BookingRepository,
    SessionRepository,
)
from sanjin_inspection.domain.booking import Booking, BookingStatus, CancelledBy
from sanjin_inspection.domain.commands import BookPlace
from sanjin_inspection.service.sessions import (
    PRODUCER,
    Session,
    promote_waiting,
    publish,
    visible_session,
)
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import InvalidTransition
from sanjin_shared.idempotency import Outcome
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Conflict
from sanjin_shared.repository import Stored
from sanjin_shared.usecases import Records


class BookingService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._sessions = SessionRepository(uow.db)
        self._bookings = BookingRepository(uow.db)
        self._clock = clock
        self._records = Records(uow, self._bookings, "booking", PRODUCER, clock)

    async def book(
        self,
        ctx: RequestContext,
        session_id: str,
        command: BookPlace,
        *,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Stored[Booking]]:
        # the session decides the province; a province that cannot see it gets a 404
        province = (await self._session(ctx, session_id)).record.province

        async def make(tx: Transaction) -> Booking:
            session = (await self._session(ctx, session_id, tx)).record
            session.check_bookable(command.service)
            booking_id = f"bk_{uuid.uuid4().hex}"
            key = Booking.key_for(session.id, command.consumer_phone, command.service)
            if await self._bookings.open_booking_of(key, session=tx.session):
                raise Conflict(
                    "this consumer already has an open booking of this service at the session",
                    slug="already-booked",
                )
            if await self._sessions.take_place(session.id, session=tx.session):
                return Booking.confirm(
                    id=booking_id, session=session, details=command, external_id=command.external_id
                )
            if not command.waitlist:
                raise Conflict(
                    f"the session is full ({session.capacity} places); "
                    'send "waitlist": true to join the waiting line',
                    slug="session-full",
                    capacity=session.capacity,
                )
            position = await self._sessions.join_waitlist(session.id, session=tx.session)
            if position is None:
                raise InvalidTransition("本场活动已取消，不能预约")
            return Booking.waitlist(
                id=booking_id,
                session=session,
                details=command,
                external_id=command.external_id,
                position=position,
            )

        return await self._records.create(
            ctx, make, province, command.external_id, idempotency_key, request_fingerprint
        )

    async def cancel(self, ctx: RequestContext, booking_id: str) -> Stored[Booking]:
        async def body(tx: Transaction) -> None:
            stored = await self._records.visible(ctx, booking_id, session=tx.session)
            current = stored.record
            cancelled = current.cancel(CancelledBy.consumer)
            now = self._clock()
            await self._bookings.save(
                cancelled, expected_version=current.version, now=now, session=tx.session
            )
            publish(tx, ctx, now, cancelled)
            if current.status is BookingStatus.waitlisted:
                await self._sessions.adjust(current.session_id, waitlisted=-1, session=tx.session)
                return
            await self._sessions.adjust(current.session_id, confirmed=-1, session=tx.session)
            session = await self._sessions.get(current.session_id, session=tx.session)
            assert session is not None
            if session.record.is_open:
                await promote_waiting(
                    tx, ctx, self._sessions, self._bookings, session.record, 1, now
                )

        await self._uow.run(body)  # a ConcurrentModification is answered by problems.py
        return await self.get(ctx, booking_id)

    async def get(self, ctx: RequestContext, booking_id: str) -> Stored[Booking]:
        return await self._records.visible(ctx, booking_id)

    async def list_of_session(
        self, ctx: RequestContext, flt: BookingFilter, *, cursor: str | None, limit: int
    ) -> list[Stored[Booking]]:
        await self._session(ctx, flt.session_id)  # the session's province may see its bookings
        return await self._bookings.list(flt, cursor=cursor, limit=limit)

    async def _session(
        self, ctx: RequestContext, session_id: str, tx: Transaction | None = None
    ) -> Session:
        return await visible_session(self._sessions, ctx, session_id, tx)
