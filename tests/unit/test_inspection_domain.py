"""The inspection domain: session rules, booking transitions, result outcomes, names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanjin_inspection.domain.booking import Booking, BookingStatus, CancelledBy
from sanjin_inspection.domain.result import InspectionResult
from sanjin_inspection.domain.session import InspectionSession
from sanjin_shared.declarations.inspection import BookingDetails, ResultDetails, SessionDetails
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.personal import mask_name, normalise_name
from sanjin_shared.reference import (
    OUTCOMES_BY_SERVICE,
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    VenueType,
)

TODAY = dt.date(2019, 12, 1)


def but(record: Any, **changes: Any) -> Any:
    """The record with some fields changed (as the database changes counters)."""
    return record.but(**changes)


T, A = InspectionService.testing, InspectionService.authentication


def session(**overrides: object) -> InspectionSession:
    fields: dict[str, object] = dict(
        id="is_1",
        province="110000",
        campaign="2019",
        institution="检测院",
        venue_type=VenueType.community,
        venue_name="社区",
        city="北京市",
        county="东城区",
        date=dt.date(2019, 9, 20),
        services=(T, A),
        capacity=2,
    )
    fields |= overrides
    identity = {"id": fields.pop("id"), "province": fields.pop("province")}
    details = SessionDetails.model_construct(**fields)  # the domain's own checks, not the API's
    return InspectionSession.schedule(**identity, details=details, external_id=None)  # type: ignore[arg-type]


def booking(s: InspectionSession, **overrides: object) -> Booking:
    fields: dict[str, object] = dict(
        consumer_name="王伟",
        consumer_phone="13800001111",
        product_category=ProductCategory.toys,
        service=T,
    )
    details = BookingDetails(**(fields | overrides))  # type: ignore[arg-type]
    return Booking.confirm(id="bk_1", session=s, details=details, external_id=None)


def test_a_session_needs_services_and_a_sane_capacity() -> None:
    with pytest.raises(RuleViolation) as no_services:
        session(services=())
    assert no_services.value.field == "services"
    with pytest.raises(RuleViolation):
        session(services=(T, T))
    for capacity in (0, 10_001):
        with pytest.raises(RuleViolation) as bad:
            session(capacity=capacity)
        assert bad.value.field == "capacity"
    assert session().events[0].event_type == "InspectionSessionScheduled"


def test_capacity_cannot_go_below_the_confirmed_bookings() -> None:
    s = but(session(), confirmed=2)
    with pytest.raises(InvalidTransition):
        s.update(capacity=1)
    assert s.update(capacity=2).version == 2
    assert but(s, confirmed=1).update(capacity=1).capacity == 1


def test_venue_type_is_fixed_once_booked_and_some_fields_never_change() -> None:
    s = session()
    assert s.update(venue_type=VenueType.campus).venue_type is VenueType.campus
    with pytest.raises(InvalidTransition):
        but(s, waitlisted=1).update(venue_type=VenueType.campus)
    for field in ("campaign", "province", "confirmed", "status"):
        with pytest.raises(RuleViolation):
            s.update(**{field: "x"})


def test_cancelling_a_session() -> None:
    s = but(session(), confirmed=2, waitlisted=3)
    cancelled = s.cancel("暴雨", bookings_cancelled=5)
    assert (cancelled.status.value, cancelled.confirmed, cancelled.places_left) == (
        "cancelled",
        0,
        0,
    )
    assert cancelled.events[0].bookings_cancelled == 5  # type: ignore[attr-defined]
    for refused in (
        lambda: cancelled.cancel("again", bookings_cancelled=0),
        lambda: cancelled.update(capacity=5),
        lambda: cancelled.check_bookable(T),
        lambda: but(session(), results=1).cancel("x", bookings_cancelled=0),
    ):
        with pytest.raises(InvalidTransition):
            refused()
    with pytest.raises(RuleViolation):
        session().check_bookable(InspectionService.certification)


def test_booking_transitions() -> None:
    s = session()
    waiting = Booking.waitlist(position=3, **vars_of(booking(s)))
    assert (waiting.status, waiting.waitlist_position) == (BookingStatus.waitlisted, 3)
    promoted = waiting.promote()
    assert (promoted.status, promoted.version, promoted.events[0].event_type) == (
        BookingStatus.confirmed,
        2,
        "BookingPromoted",
    )
    with pytest.raises(InvalidTransition):
        promoted.promote()
    gone = promoted.cancel(CancelledBy.consumer)
    assert gone.active_key is None and promoted.active_key == "is_1|13800001111|testing"
    with pytest.raises(InvalidTransition):
        gone.cancel(CancelledBy.consumer)
    state = gone.state().model_dump()
    assert "consumer_name" not in state and "consumer_phone" not in state


def vars_of(b: Booking) -> dict[str, Any]:
    """What makes the same booking again (with another status)."""
    session = InspectionSession.model_construct(
        id=b.session_id, province=b.province, campaign=b.campaign, venue_type=b.venue_type
    )
    details = BookingDetails.model_validate(b.model_dump(include=set(BookingDetails.model_fields)))
    return {"id": b.id, "session": session, "details": details, "external_id": b.external_id}


@given(
    service=st.sampled_from(list(InspectionService)),
    outcome=st.sampled_from(list(InspectionOutcome)),
)
def test_a_result_has_an_outcome_of_its_service(
    service: InspectionService, outcome: InspectionOutcome
) -> None:
    s = session(services=tuple(InspectionService))

    def record() -> InspectionResult:
        return InspectionResult.record(
            id="ir_1",
            session=s,
            booking=None,
            details=ResultDetails(
                product_category=ProductCategory.toys, service=service, outcome=outcome
            ),
            today=TODAY,
        )

    if outcome in OUTCOMES_BY_SERVICE[service]:
        assert record().state().outcome is outcome
    else:
        with pytest.raises(RuleViolation) as bad:
            record()
        assert bad.value.field == "outcome"


def test_a_result_and_its_booking() -> None:
    s = session()
    b = booking(s)

    def record(bk: Booking | None, service: InspectionService = T, today: dt.date = TODAY) -> None:
        InspectionResult.record(
            id="ir_1",
            session=s,
            booking=bk,
            details=ResultDetails(
                product_category=ProductCategory.toys,
                service=service,
                outcome=InspectionOutcome.passed if service is T else InspectionOutcome.genuine,
            ),
            today=today,
        )

    record(b)
    for bad, field in (
        (but(b, session_id="is_2"), "booking_id"),
        (b.cancel(CancelledBy.consumer), "booking_id"),
        (Booking.waitlist(position=1, **vars_of(b)), "booking_id"),
    ):
        with pytest.raises(RuleViolation) as refused:
            record(bad)
        assert refused.value.field == field
    with pytest.raises(RuleViolation) as wrong_service:
        record(b, A)
    assert wrong_service.value.field == "service"
    with pytest.raises(RuleViolation):
        record(None, today=dt.date(2019, 9, 19))  # before the session took place


@pytest.mark.parametrize(
    ("given", "stored", "masked"),
    [
        ("张三", "张三", "张*"),
        (" 欧阳  娜娜 ", "欧阳 娜娜", "欧****"),
        ("买买提·艾力", "买买提·艾力", "买*****"),
        ("John O'Neil-Smith", "John O'Neil-Smith", "J****************"),
    ],
)
def test_names_are_normalised_and_masked(given: str, stored: str, masked: str) -> None:
    assert normalise_name(given) == stored
    assert mask_name(stored) == masked


@pytest.mark.parametrize("bad", ["", "  ", "张三3", "<script>", "a" * 51, "王\u0000五"])
def test_names_that_are_not_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_name(bad)
