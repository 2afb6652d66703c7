"""Request and response bodies of the inspection API (docs/api.md, inspection)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sanjin_inspection.domain.booking import Booking
from sanjin_inspection.domain.result import InspectionResult
from sanjin_inspection.domain.session import MAX_CAPACITY, InspectionSession
from sanjin_shared.personal import PersonName, PhoneNumber, mask_name, mask_phone
from sanjin_shared.records import Stored
from sanjin_shared.reference import (
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    ProvinceCode,
    VenueType,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CampaignId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_-]{1,32}$")
]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
RecordId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Services = Annotated[list[InspectionService], Field(min_length=1, max_length=4)]
Capacity = Annotated[int, Field(ge=1, le=MAX_CAPACITY, description="Bookable places")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- sessions ---------------------------------------------------------------------------------------


class SessionCreate(Strict):
    campaign: CampaignId
    institution: Text = Field(description="The technical institution holding the session")
    venue_type: VenueType
    venue_name: Text
    city: Place
    county: Place
    date: dt.date = Field(description="Beijing date of the session")
    services: Services
    capacity: Capacity
    external_id: ExternalId | None = None
    province: ProvinceCode | None = Field(default=None, description="Only for hq and admin.")


class SessionUpdate(Strict):
    """The fields to change; the others keep their values."""

    institution: Text | None = None
    venue_type: VenueType | None = None
    venue_name: Text | None = None
    city: Place | None = None
    county: Place | None = None
    date: dt.date | None = None
    services: Services | None = None
    capacity: Capacity | None = None


class SessionCancel(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class SessionOut(BaseModel):
    id: str
    province: str
    campaign: str
    status: Literal["scheduled", "cancelled"]
    institution: str
    venue_type: VenueType
    venue_name: str
    city: str
    county: str
    date: dt.date
    services: list[InspectionService]
    capacity: int
    confirmed: int = Field(description="Confirmed bookings (never more than capacity)")
    waitlisted: int = Field(description="Bookings waiting for a place")
    places_left: int
    results: int = Field(description="Results recorded")
    cancellation_reason: str | None
    external_id: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, stored: Stored[InspectionSession]) -> SessionOut:
        s = stored.record
        return cls(
            id=s.id,
            province=s.province,
            campaign=s.campaign,
            status=s.status.value,
            institution=s.institution,
            venue_type=s.venue_type,
            venue_name=s.venue_name,
            city=s.city,
            county=s.county,
            date=s.date,
            services=list(s.services),
            capacity=s.capacity,
            confirmed=s.confirmed,
            waitlisted=s.waitlisted,
            places_left=s.places_left,
            results=s.results,
            cancellation_reason=s.cancellation_reason,
            external_id=s.external_id,
            version=s.version,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class SessionList(BaseModel):
    items: list[SessionOut]
    next_cursor: str | None


# -- bookings ---------------------------------------------------------------------------------------


class BookingCreate(Strict):
    consumer_name: PersonName
    consumer_phone: PhoneNumber
    product_category: ProductCategory
    service: InspectionService
    waitlist: bool = Field(
        default=False,
        description="When the session is full: join the waiting line (201 waitlisted) "
        "instead of a 409",
    )
    external_id: ExternalId | None = None


class BookingOut(BaseModel):
    id: str
    session_id: str
    province: str
    campaign: str
    status: Literal["confirmed", "waitlisted", "cancelled"]
    consumer_name: str = Field(description="Masked (张*) in lists and for hq")
    consumer_phone: str = Field(description="Masked (138****5678) in lists and for hq")
    product_category: ProductCategory
    service: InspectionService
    waitlist_position: int | None = Field(
        description="Order in the session's waiting line (promotion is first in, first out)"
    )
    cancellation_reason: Literal["consumer", "session_cancelled"] | None
    external_id: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, stored: Stored[Booking], *, personal: bool) -> BookingOut:
        b = stored.record
        return cls(
            id=b.id,
            session_id=b.session_id,
            province=b.province,
            campaign=b.campaign,
            status=b.status.value,
            consumer_name=b.consumer_name if personal else mask_name(b.consumer_name),
            consumer_phone=b.consumer_phone if personal else mask_phone(b.consumer_phone),
            product_category=b.product_category,
            service=b.service,
            waitlist_position=b.waitlist_position,
            cancellation_reason=b.cancellation_reason.value if b.cancellation_reason else None,
            external_id=b.external_id,
            version=b.version,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class BookingList(BaseModel):
    items: list[BookingOut]
    next_cursor: str | None


# -- results ----------------------------------------------------------------------------------------


class ResultCreate(Strict):
    product_category: ProductCategory
    service: InspectionService
    outcome: InspectionOutcome = Field(
        description="testing: pass | fail; authentication: genuine | counterfeit | "
        "inconclusive; certification, consultation: served"
    )
    booking_id: RecordId | None = None
    external_id: ExternalId | None = None


class ResultOut(BaseModel):
    id: str
    session_id: str
    booking_id: str | None
    province: str
    campaign: str
    venue_type: VenueType
    product_category: ProductCategory
    service: InspectionService
    outcome: InspectionOutcome
    external_id: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, stored: Stored[InspectionResult]) -> ResultOut:
        r = stored.record
        return cls(
            id=r.id,
            session_id=r.session_id,
            booking_id=r.booking_id,
            province=r.province,
            campaign=r.campaign,
            venue_type=r.venue_type,
            product_category=r.product_category,
            service=r.service,
            outcome=r.outcome,
            external_id=r.external_id,
            version=r.version,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class ResultList(BaseModel):
    items: list[ResultOut]
    next_cursor: str | None
