"""Events of the `inspection` service: sessions of free testing, certification, consultation and
genuine-vs-fake identification, their bookings and their results (activity 3 of the notice).

Bookings carry no consumer name or phone: personal data stays in the inspection service.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.reference import (
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    VenueType,
)
from sanjin_shared.topics import INSPECTION


class InspectionSessionState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    province: str
    campaign: str
    institution: str
    venue_type: VenueType
    venue_name: str
    city: str
    county: str
    date: date
    services: list[InspectionService]
    capacity: int
    status: str  # scheduled | cancelled
    cancellation_reason: str | None = None


class InspectionSessionEvent(DomainEvent):
    aggregate_type = "inspection_session"
    topic = INSPECTION.name

    session: InspectionSessionState

    def aggregate_id(self) -> str:
        return self.session.id


class InspectionSessionScheduled(InspectionSessionEvent):
    event_type = "InspectionSessionScheduled"


class InspectionSessionUpdated(InspectionSessionEvent):
    event_type = "InspectionSessionUpdated"


class InspectionSessionCancelled(InspectionSessionEvent):
    """The session was called off; each of its open bookings has a `BookingCancelled` too."""

    event_type = "InspectionSessionCancelled"

    bookings_cancelled: int


class BookingState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    session_id: str
    province: str
    campaign: str
    venue_type: VenueType
    product_category: ProductCategory
    service: InspectionService
    status: str  # confirmed | waitlisted | cancelled
    waitlist_position: int | None = None
    cancellation_reason: str | None = None  # consumer | session_cancelled


class BookingEvent(DomainEvent):
    aggregate_type = "booking"
    topic = INSPECTION.name

    booking: BookingState

    def aggregate_id(self) -> str:
        return self.booking.id


class BookingConfirmed(BookingEvent):
    event_type = "BookingConfirmed"


class BookingWaitlisted(BookingEvent):
    event_type = "BookingWaitlisted"


class BookingPromoted(BookingEvent):
    """A place freed and this waitlisted booking, first in line, is now confirmed."""

    event_type = "BookingPromoted"


class BookingCancelled(BookingEvent):
    event_type = "BookingCancelled"


class InspectionResultState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    session_id: str
    booking_id: str | None
    province: str
    campaign: str
    venue_type: VenueType
    product_category: ProductCategory
    service: InspectionService
    outcome: InspectionOutcome


class InspectionResultRecorded(DomainEvent):
    event_type = "InspectionResultRecorded"
    aggregate_type = "inspection_result"
    topic = INSPECTION.name

    result: InspectionResultState

    def aggregate_id(self) -> str:
        return self.result.id
