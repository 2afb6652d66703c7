"""Request and response bodies of the inspection API (docs/api.md, inspection): the commands and
the declared records (`sanjin_shared.declarations.inspection`), under the names the API
documents."""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import Field

from sanjin_inspection.domain.booking import Booking
from sanjin_inspection.domain.commands import (
    BookPlace,
    CancelSession,
    RecordResult,
    ScheduleSession,
    UpdateSession,
)
from sanjin_inspection.domain.result import InspectionResult
from sanjin_inspection.domain.session import InspectionSession
from sanjin_shared.api_types import Page
from sanjin_shared.declaration import Shown
from sanjin_shared.declarations.inspection import BookingRecord, ResultRecord, SessionRecord
from sanjin_shared.personal import mask_name, mask_phone
from sanjin_shared.reference import VenueType
from sanjin_shared.repository import Stored

# -- sessions ---------------------------------------------------------------------------------------


class SessionCreate(ScheduleSession):
    """An inspection session to schedule."""


class SessionUpdate(UpdateSession):
    """The fields to change; the others keep their values."""


class SessionCancel(CancelSession):
    """Why the session is called off."""


class SessionOut(SessionRecord, Shown):
    """A session as the service keeps it, with its places."""

    places_left: int = Field(title="剩余名额")
    created_at: dt.datetime = Field(title="创建时间")
    updated_at: dt.datetime = Field(title="更新时间")

    @classmethod
    def of(cls, stored: Stored[InspectionSession]) -> Self:
        s = stored.record
        return cls.model_validate(
            s.model_dump()
            | {
                "places_left": s.places_left,
                "created_at": stored.created_at,
                "updated_at": stored.updated_at,
            }
        )


class SessionList(Page[SessionOut]):
    """A page of inspection sessions."""


# -- bookings ---------------------------------------------------------------------------------------


class BookingCreate(BookPlace):
    """A consumer's booking of a place."""


class BookingOut(BookingRecord, Shown):
    """A booking as the service keeps it."""

    # personal data: the name and phone are shown masked in lists and to all but the owning
    # province and admin, so the answer's fields are text, not the declared name and phone
    consumer_name: str = Field(title="消费者姓名", description="Masked (张*) in lists and for hq")
    consumer_phone: str = Field(
        title="消费者电话", description="Masked (138****5678) in lists and for hq"
    )
    # the booking keeps its session's venue type for its events; the API shows it on the session
    venue_type: VenueType = Field(exclude=True)
    created_at: dt.datetime = Field(title="创建时间")
    updated_at: dt.datetime = Field(title="更新时间")

    @classmethod
    def of(cls, stored: Stored[Booking], *, personal: bool) -> Self:
        b = stored.record
        return cls.model_validate(
            b.model_dump()
            | {
                "consumer_name": b.consumer_name if personal else mask_name(b.consumer_name),
                "consumer_phone": b.consumer_phone if personal else mask_phone(b.consumer_phone),
                "created_at": stored.created_at,
                "updated_at": stored.updated_at,
            }
        )


class BookingList(Page[BookingOut]):
    """A page of a session's bookings (names and phones masked)."""


# -- results ----------------------------------------------------------------------------------------


class ResultCreate(RecordResult):
    """The result of one sample or consultation."""


class ResultOut(ResultRecord, Shown):
    """A result as the service keeps it."""

    created_at: dt.datetime = Field(title="创建时间")
    updated_at: dt.datetime = Field(title="更新时间")

    @classmethod
    def of(cls, stored: Stored[InspectionResult]) -> Self:
        r = stored.record
        return cls.model_validate(
            r.model_dump() | {"created_at": stored.created_at, "updated_at": stored.updated_at}
        )


class ResultList(Page[ResultOut]):
    """A page of inspection results."""
