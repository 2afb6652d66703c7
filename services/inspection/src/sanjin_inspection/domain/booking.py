"""A consumer's booking of a place at an inspection session.

Lifecycle: confirmed (a place was free) or waitlisted (the session was full and the consumer
asked to wait) → a waitlisted booking is promoted, first in first out, when a place frees →
cancelled by the consumer, or with its session. The consumer's name and phone are personal data:
they live on the booking and never in its events. Pure: no I/O.
"""

from __future__ import annotations

from sanjin_shared.declaration import state_of
from sanjin_shared.declarations.inspection import (
    BookingDetails,
    BookingRecord,
    BookingStatus,
    CancelledBy,
    SessionRecord,
)
from sanjin_shared.entity import Entity
from sanjin_shared.errors import InvalidTransition
from sanjin_shared.events.inspection import (
    BookingCancelled,
    BookingConfirmed,
    BookingEvent,
    BookingPromoted,
    BookingState,
    BookingWaitlisted,
)
from sanjin_shared.reference import InspectionService

__all__ = ["Booking", "BookingStatus", "CancelledBy"]


class Booking(BookingRecord, Entity):
    """A booking: its declared fields (`BookingRecord`) and its lifecycle."""

    @classmethod
    def confirm(
        cls,
        *,
        id: str,
        session: SessionRecord,
        details: BookingDetails,
        external_id: str | None,
    ) -> Booking:
        booking = cls._new(id, session, details, external_id, status=BookingStatus.confirmed)
        return booking._raised(BookingConfirmed)

    @classmethod
    def waitlist(
        cls,
        *,
        id: str,
        session: SessionRecord,
        details: BookingDetails,
        external_id: str | None,
        position: int,
    ) -> Booking:
        booking = cls._new(
            id, session, details, external_id, status=BookingStatus.waitlisted, position=position
        )
        return booking._raised(BookingWaitlisted)

    @classmethod
    def _new(
        cls,
        id: str,
        session: SessionRecord,
        details: BookingDetails,
        external_id: str | None,
        *,
        status: BookingStatus,
        position: int | None = None,
    ) -> Booking:
        fields = {name: getattr(details, name) for name in BookingDetails.model_fields}
        return cls.new(
            id=id,
            session_id=session.id,
            province=session.province,
            campaign=session.campaign,
            venue_type=session.venue_type,
            status=status,
            waitlist_position=position,
            external_id=external_id,
            **fields,
        )

    @property
    def is_active(self) -> bool:
        return self.status is not BookingStatus.cancelled

    @property
    def holds_place(self) -> bool:
        return self.status is BookingStatus.confirmed

    @property
    def active_key(self) -> str | None:
        """One open booking per consumer (phone), session and service."""
        if not self.is_active:
            return None
        return self.key_for(self.session_id, self.consumer_phone, self.service)

    @staticmethod
    def key_for(session_id: str, consumer_phone: str, service: InspectionService) -> str:
        return f"{session_id}|{consumer_phone}|{service.value}"

    def promote(self) -> Booking:
        if self.status is not BookingStatus.waitlisted:
            raise InvalidTransition(
                f"只有候补的预约才能转为确认（当前状态：{self.status.label_zh}）"
            )
        changed = self.but(status=BookingStatus.confirmed, version=self.version + 1)
        return changed._raised(BookingPromoted)

    def cancel(self, by: CancelledBy) -> Booking:
        if self.status is BookingStatus.cancelled:
            raise InvalidTransition("该预约已经取消")
        changed = self.but(
            status=BookingStatus.cancelled,
            cancellation_reason=by,
            version=self.version + 1,
        )
        return changed._raised(BookingCancelled)

    def _raised(self, event_type: type[BookingEvent]) -> Booking:
        return self.raised(event_type(booking=self.state()))

    def state(self) -> BookingState:
        return state_of(BookingState, self)
