"""A consumer's booking of a place at an inspection session.

Lifecycle: confirmed (a place was free) or waitlisted (the session was full and the consumer
asked to wait) → a waitlisted booking is promoted, first in first out, when a place frees →
cancelled by the consumer, or with its session. The consumer's name and phone are personal data:
they live on the booking and never in its events. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from sanjin_shared.errors import InvalidTransition
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.inspection import (
    BookingCancelled,
    BookingConfirmed,
    BookingPromoted,
    BookingState,
    BookingWaitlisted,
)
from sanjin_shared.reference import InspectionService, ProductCategory, VenueType


class BookingStatus(StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class CancelledBy(StrEnum):
    consumer = "consumer"
    session_cancelled = "session_cancelled"


@dataclass(frozen=True, slots=True)
class Booking:
    id: str
    session_id: str
    province: str
    campaign: str
    venue_type: VenueType
    consumer_name: str
    consumer_phone: str
    product_category: ProductCategory
    service: InspectionService
    status: BookingStatus
    waitlist_position: int | None = None
    cancellation_reason: CancelledBy | None = None
    external_id: str | None = None
    version: int = 1
    events: tuple[DomainEvent, ...] = field(default=(), compare=False)

    @classmethod
    def confirm(cls, **fields: object) -> Booking:
        booking = cls(status=BookingStatus.confirmed, **fields)  # type: ignore[arg-type]
        return booking._raised(BookingConfirmed)

    @classmethod
    def waitlist(cls, *, position: int, **fields: object) -> Booking:
        booking = cls(  # type: ignore[arg-type]
            status=BookingStatus.waitlisted, waitlist_position=position, **fields
        )
        return booking._raised(BookingWaitlisted)

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
            raise InvalidTransition(f"a {self.status.value} booking cannot be promoted")
        changed = replace(self, status=BookingStatus.confirmed, version=self.version + 1)
        return changed._raised(BookingPromoted)

    def cancel(self, by: CancelledBy) -> Booking:
        if self.status is BookingStatus.cancelled:
            raise InvalidTransition("the booking is already cancelled")
        changed = replace(
            self,
            status=BookingStatus.cancelled,
            cancellation_reason=by,
            version=self.version + 1,
        )
        return changed._raised(BookingCancelled)

    def _raised(self, event_type: type[DomainEvent]) -> Booking:
        return replace(self, events=(event_type(booking=self.state()),))  # type: ignore[call-arg]

    def state(self) -> BookingState:
        return BookingState(
            id=self.id,
            session_id=self.session_id,
            province=self.province,
            campaign=self.campaign,
            venue_type=self.venue_type,
            product_category=self.product_category,
            service=self.service,
            status=self.status.value,
            waitlist_position=self.waitlist_position,
            cancellation_reason=self.cancellation_reason.value
            if self.cancellation_reason
            else None,
        )
