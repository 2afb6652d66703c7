"""The result of one sample or one consultation at an inspection session.

A result names its service and an outcome that service can have (testing: pass | fail;
authentication: genuine | counterfeit | inconclusive; certification and consultation: served).
It may reference a booking: then the booking must be a confirmed one of the same session, for
the same service. Results are recorded once and not changed. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sanjin_inspection.domain.booking import Booking, BookingStatus
from sanjin_inspection.domain.session import InspectionSession
from sanjin_shared.errors import RuleViolation
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.inspection import InspectionResultRecorded, InspectionResultState
from sanjin_shared.reference import (
    OUTCOMES_BY_SERVICE,
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    VenueType,
)


@dataclass(frozen=True, slots=True)
class InspectionResult:
    id: str
    session_id: str
    booking_id: str | None
    province: str
    campaign: str
    venue_type: VenueType
    product_category: ProductCategory
    service: InspectionService
    outcome: InspectionOutcome
    external_id: str | None = None
    version: int = 1
    events: tuple[DomainEvent, ...] = field(default=(), compare=False)

    @classmethod
    def record(
        cls,
        *,
        id: str,
        session: InspectionSession,
        booking: Booking | None,
        product_category: ProductCategory,
        service: InspectionService,
        outcome: InspectionOutcome,
        today: dt.date,
        external_id: str | None = None,
    ) -> InspectionResult:
        session.check_accepts_result(service, today=today)
        if outcome not in OUTCOMES_BY_SERVICE[service]:
            allowed = " | ".join(sorted(o.value for o in OUTCOMES_BY_SERVICE[service]))
            raise RuleViolation("outcome", f"a {service.value} result is {allowed}")
        if booking is not None:
            if booking.session_id != session.id:
                raise RuleViolation("booking_id", "the booking is for another session")
            if booking.status is not BookingStatus.confirmed:
                raise RuleViolation("booking_id", f"the booking is {booking.status.value}")
            if booking.service is not service:
                raise RuleViolation(
                    "service", f"the booking is for {booking.service.value}, not {service.value}"
                )
        result = cls(
            id=id,
            session_id=session.id,
            booking_id=booking.id if booking else None,
            province=session.province,
            campaign=session.campaign,
            venue_type=session.venue_type,
            product_category=product_category,
            service=service,
            outcome=outcome,
            external_id=external_id,
        )
        return replace(result, events=(InspectionResultRecorded(result=result.state()),))

    def state(self) -> InspectionResultState:
        return InspectionResultState(
            id=self.id,
            session_id=self.session_id,
            booking_id=self.booking_id,
            province=self.province,
            campaign=self.campaign,
            venue_type=self.venue_type,
            product_category=self.product_category,
            service=self.service,
            outcome=self.outcome,
        )
