"""What a caller asks the inspection service to do (typed, validated by their declarations)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints

from sanjin_inspection.domain.session import EDITABLE
from sanjin_shared.api_types import ExternalId
from sanjin_shared.declaration import Declared, changes_of
from sanjin_shared.declarations.common import Intake, external_id_field
from sanjin_shared.declarations.inspection import BookingDetails, ResultDetails, SessionDetails


class ScheduleSession(SessionDetails, Intake):
    """Schedule an inspection session."""


# Change some of a session's details (all a province writes but the campaign); for the type
# checker it is the declaration it is derived from.
if TYPE_CHECKING:
    UpdateSession = SessionDetails
else:
    UpdateSession = changes_of(
        "UpdateSession",
        SessionDetails,
        EDITABLE,
        doc="The fields to change; the others keep their values.",
    )


class CancelSession(Declared):
    """Call a session off, with the reason (its open bookings are cancelled with it)."""

    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ] = Field(title="取消原因", examples=["因天气原因取消"])


class BookPlace(BookingDetails):
    """Book a consumer's place at a session (the session decides the province)."""

    waitlist: bool = Field(
        default=False,
        title="候补",
        description="When the session is full: join the waiting line (201 waitlisted) "
        "instead of a 409",
    )
    external_id: ExternalId | None = external_id_field()


class RecordResult(ResultDetails):
    """Record the result of one sample or consultation at a session."""

    external_id: ExternalId | None = external_id_field()
