"""The result of one sample or one consultation at an inspection session.

A result names its service and an outcome that service can have (testing: pass | fail;
authentication: genuine | counterfeit | inconclusive; certification and consultation: served).
It may reference a booking: then the booking must be a confirmed one of the same session, for
the same service. Results are recorded once and not changed. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt

from sanjin_inspection.domain.booking import Booking, BookingStatus
from sanjin_inspection.domain.session import InspectionSession
from sanjin_shared.declaration import state_of
from sanjin_shared.declarations.inspection import ResultDetails, ResultRecord
from sanjin_shared.entity import Entity
from sanjin_shared.errors import RuleViolation
from sanjin_shared.events.inspection import InspectionResultRecorded, InspectionResultState
from sanjin_shared.reference import OUTCOMES_BY_SERVICE


class InspectionResult(ResultRecord, Entity):
    """A result: its declared fields (`ResultRecord`) and the rules it is recorded by."""

    @classmethod
    def record(
        cls,
        *,
        id: str,
        session: InspectionSession,
        booking: Booking | None,
        details: ResultDetails,
        today: dt.date,
        external_id: str | None = None,
    ) -> InspectionResult:
        service, outcome = details.service, details.outcome
        session.check_accepts_result(service, today=today)
        if outcome not in OUTCOMES_BY_SERVICE[service]:
            allowed = " | ".join(sorted(o.value for o in OUTCOMES_BY_SERVICE[service]))
            raise RuleViolation(
                "outcome",
                f"a {service.value} result is {allowed}",
                zh=f"{service.label_zh}的结果只能是"
                + "、".join(o.label_zh for o in sorted(OUTCOMES_BY_SERVICE[service])),
            )
        if booking is not None:
            if booking.session_id != session.id:
                raise RuleViolation(
                    "booking_id", "the booking is for another session", zh="该预约不属于本场活动"
                )
            if booking.status is not BookingStatus.confirmed:
                raise RuleViolation(
                    "booking_id",
                    f"the booking is {booking.status.value}",
                    zh=f"该预约{booking.status.label_zh}",
                )
            if booking.service is not service:
                raise RuleViolation(
                    "service",
                    f"the booking is for {booking.service.value}, not {service.value}",
                    zh=f"该预约的服务项目是{booking.service.label_zh}",
                )
        fields = {name: getattr(details, name) for name in ResultDetails.model_fields}
        result = cls.new(
            id=id,
            session_id=session.id,
            province=session.province,
            campaign=session.campaign,
            venue_type=session.venue_type,
            external_id=external_id,
            **(fields | {"booking_id": booking.id if booking else None}),
        )
        return result.raised(InspectionResultRecorded(result=result.state()))

    def state(self) -> InspectionResultState:
        return state_of(InspectionResultState, self)
