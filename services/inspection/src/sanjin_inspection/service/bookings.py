"""Use cases of bookings: book a place (confirmed while places remain, else 409 or the waiting
line), cancel (the first in line takes the freed place), read and list.

The place itself is taken by the repository's conditional update, in the booking's
transaction: that is the whole capacity guarantee, and it holds across processes.
"""

from __future__ import annotations

import uuid
from typing import Any

from sanjin_inspection.adapters.repository import BookingRepository, SessionRepository
from sanjin_inspection.domain.booking import Booking, BookingStatus, CancelledBy
from sanjin_inspection.service.sessions import Session, promote_waiting, publish, visible_session
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.errors import InvalidTransition
from sanjin_shared.idempotency import Outcome, create_once
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Conflict
from sanjin_shared.records import (
    RequestContext,
    Stored,
    external_id_lookup,
    visible,
)
from sanjin_shared.reference import InspectionService, ProductCategory


class BookingService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._sessions = SessionRepository(uow.db)
        self._bookings = BookingRepository(uow.db)
        self._clock = clock

    async def book(
        self,
        ctx: RequestContext,
        session_id: str,
        *,
        consumer_name: str,
        consumer_phone: str,
        product_category: ProductCategory,
        service: InspectionService,
        waitlist: bool,
        external_id: str | None,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Stored[Booking]]:
        # the session decides the province; a province that cannot see it gets a 404
        owner = (await self._session(ctx, session_id)).record.province

        async def create(tx: Transaction) -> Stored[Booking]:
            stored = await self._session(ctx, session_id, tx)
            session = stored.record
            session.check_bookable(service)
            fields: dict[str, Any] = dict(
                id=f"bk_{uuid.uuid4().hex}",
                session_id=session.id,
                province=session.province,
                campaign=session.campaign,
                venue_type=session.venue_type,
                consumer_name=consumer_name,
                consumer_phone=consumer_phone,
                product_category=product_category,
                service=service,
                external_id=external_id,
            )
            key = Booking.key_for(session.id, consumer_phone, service)
            if await self._bookings.open_booking_of(key, session=tx.session):
                raise Conflict(
                    "this consumer already has an open booking of this service at the session",
                    slug="already-booked",
                )
            if await self._sessions.take_place(session.id, session=tx.session):
                booking = Booking.confirm(**fields)
            elif not waitlist:
                raise Conflict(
                    f"the session is full ({session.capacity} places); "
                    'send "waitlist": true to join the waiting line',
                    slug="session-full",
                    capacity=session.capacity,
                )
            else:
                position = await self._sessions.join_waitlist(session.id, session=tx.session)
                if position is None:
                    raise InvalidTransition("the session is cancelled and cannot be booked")
                booking = Booking.waitlist(position=position, **fields)
            now = self._clock()
            added = await self._bookings.add(
                booking, fingerprint=request_fingerprint, now=now, session=tx.session
            )
            publish(tx, ctx, now, booking)
            return added

        return await create_once(
            self._uow,
            scope=f"booking:{owner}",
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            find_by_external_id=external_id_lookup(self._bookings, owner, external_id),
            create=create,
            load=lambda booking_id: self.get(ctx, booking_id),
        )

    async def cancel(self, ctx: RequestContext, booking_id: str) -> Stored[Booking]:
        async def body(tx: Transaction) -> None:
            stored = await visible(
                self._bookings, ctx, booking_id, what="booking", session=tx.session
            )
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
        return await visible(self._bookings, ctx, booking_id, what="booking")

    async def list_of_session(
        self,
        ctx: RequestContext,
        session_id: str,
        query: dict[str, Any],
        *,
        cursor: str | None,
        limit: int,
    ) -> list[Stored[Booking]]:
        await self._session(ctx, session_id)
        return await self._bookings.list(
            query | {"session_id": session_id}, cursor=cursor, limit=limit
        )

    async def _session(
        self, ctx: RequestContext, session_id: str, tx: Transaction | None = None
    ) -> Session:
        return await visible_session(self._sessions, ctx, session_id, tx)
