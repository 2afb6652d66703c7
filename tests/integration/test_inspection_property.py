"""Property, against the real MongoDB: any sequence of session / booking / cancellation /
capacity change / result operations, run through the inspection service's real use cases
(transactions, conditional updates, the outbox), keeps the booking invariants, and its events,
taken from the outbox and delivered to the aggregator's real consumer with duplicates and then
replayed into fresh collections, give exactly the figures computed from the final records.

Invariants after every example, per session: confirmed bookings == the session's counter <=
capacity; waitlisted bookings == its counter; every promoted booking was ahead in the line of
every booking still waiting (first in, first out); a cancelled session has no open booking.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import AsyncMongoClient

from sanjin_aggregator.service.statistics import statistics
from sanjin_inspection.domain.commands import (
    BookPlace,
    CancelSession,
    RecordResult,
    ScheduleSession,
    UpdateSession,
)
from sanjin_inspection.service.bookings import BookingService
from sanjin_inspection.service.results import ResultService
from sanjin_inspection.service.sessions import SessionService
from sanjin_shared.audit import Actor
from sanjin_shared.auth import Principal, Role
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import DomainError
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.problems import Problem
from sanjin_shared.reference import (
    OUTCOMES_BY_SERVICE,
    InspectionOutcome,
    InspectionService,
    ProductCategory,
    VenueType,
)
from tests.conftest import World
from tests.support.feed import FakeFeed, consume

SERVICES = list(InspectionService)
PROVINCES = ["110000", "650000"]
METRICS = (
    "inspection_sessions",
    "bookings_confirmed",
    "samples_tested",
    "samples_failed",
    "counterfeits_identified",
    "consumers_served",
)
OUTCOMES = sorted(InspectionOutcome, key=lambda o: o.value)

session_plan = st.tuples(
    st.sampled_from(PROVINCES),
    st.sampled_from(list(VenueType)),
    st.sets(st.sampled_from(SERVICES), min_size=1),
    st.integers(1, 3),  # capacity
)
# operations in proportions that reach full sessions, waiting lines and promotions
OPERATIONS = ["book"] * 6 + ["cancel_booking"] * 3 + ["capacity"] * 2 + ["result"] * 2
OPERATIONS.append("cancel_session")
step = st.tuples(
    st.sampled_from(OPERATIONS),
    st.integers(0, 2),  # session, or booking when cancelling
    st.integers(0, 9),  # consumer, or new capacity (1 + n % 4), or outcome
    st.integers(0, 3),  # service, among the session's
    st.booleans(),  # waitlist when full; for results: reference a booking
    st.integers(0, 30),  # booking referenced
)


def ctx(province: str) -> RequestContext:
    return RequestContext(Principal(sub="prop", role=Role.province, province=province), "prop")


async def run(uow: UnitOfWork, sessions_plan: list[Any], steps: list[Any]) -> None:
    sessions, bookings, results = SessionService(uow), BookingService(uow), ResultService(uow)
    made: list[tuple[str, str]] = []  # (session id, province)
    booked: list[tuple[str, str]] = []  # (booking id, province)
    offered: dict[str, tuple[InspectionService, ...]] = {}
    for i, (province, venue, services, capacity) in enumerate(sessions_plan):
        out = await sessions.schedule(
            ctx(province),
            ScheduleSession(
                campaign="2019",
                institution="检测院",
                venue_type=venue,
                venue_name=f"场所{i}",
                city="市",
                county="区",
                date=dt.date(2019, 10, 1),
                services=tuple(s for s in SERVICES if s in services),
                capacity=capacity,
            ),
            idempotency_key=None,
            request_fingerprint=uuid.uuid4().hex,
        )
        made.append((out.record.record.id, province))
        offered[out.record.record.id] = out.record.record.services
    for op, s, n, service, flag, b in steps:
        session_id, province = made[s % len(made)]
        services = offered[session_id]
        try:
            if op == "book":
                out = await bookings.book(
                    ctx(province),
                    session_id,
                    BookPlace(
                        consumer_name="张三",
                        consumer_phone=f"1380000000{n}",
                        product_category=ProductCategory.toys,
                        service=services[service % len(services)],
                        waitlist=flag,
                    ),
                    idempotency_key=None,
                    request_fingerprint=uuid.uuid4().hex,
                )
                booked.append((out.record.record.id, province))
            elif op == "cancel_booking" and booked:
                booking_id, owner = booked[b % len(booked)]
                await bookings.cancel(ctx(owner), booking_id)
            elif op == "capacity":
                await sessions.update(ctx(province), session_id, UpdateSession(capacity=1 + n % 4))
            elif op == "cancel_session":
                await sessions.cancel(ctx(province), session_id, CancelSession(reason="天气原因"))
            elif op == "result":
                await results.record(
                    ctx(province),
                    session_id,
                    RecordResult(
                        product_category=ProductCategory.toys,
                        service=services[service % len(services)],
                        outcome=OUTCOMES[n % len(OUTCOMES)],
                        booking_id=booked[b % len(booked)][0] if flag and booked else None,
                    ),
                    idempotency_key=None,
                    request_fingerprint=uuid.uuid4().hex,
                )
        except (DomainError, Problem):
            continue  # refused: full, cancelled, wrong service or outcome, capacity too low...


def expected_figures(
    sessions: list[dict], bookings: list[dict], results: list[dict]
) -> dict[tuple[str, str], dict[str, int]]:
    """Per (province, venue type), computed from the final records alone."""
    out: dict[tuple[str, str], Counter[str]] = {}
    for s in sessions:
        out.setdefault((s["province"], s["venue_type"]), Counter())["inspection_sessions"] += (
            s["status"] == "scheduled"
        )
    for b in bookings:
        out.setdefault((b["province"], b["venue_type"]), Counter())["bookings_confirmed"] += (
            b["status"] == "confirmed"
        )
    for r in results:
        row = out.setdefault((r["province"], r["venue_type"]), Counter())
        row["consumers_served"] += 1
        row["samples_tested"] += r["service"] == "testing"
        row["samples_failed"] += r["service"] == "testing" and r["outcome"] == "fail"
        row["counterfeits_identified"] += r["outcome"] == "counterfeit"
    return {k: {m: v for m, v in row.items() if v} for k, row in out.items() if any(row.values())}


def observed(table: Any) -> dict[tuple[str, str], dict[str, int]]:
    out = {}
    for row in table.provinces:
        for venue, metrics in row.by_venue_type.items():
            values = {m: metrics[m] for m in METRICS if metrics[m]}
            if values:
                out[(row.province, venue)] = values
    return out


def check_invariants(sessions: list[dict], bookings: list[dict]) -> None:
    for s in sessions:
        mine = [b for b in bookings if b["session_id"] == s["_id"]]
        confirmed = [b for b in mine if b["status"] == "confirmed"]
        waiting = [b for b in mine if b["status"] == "waitlisted"]
        assert s["confirmed"] == len(confirmed) <= s["capacity"]
        assert s["waitlisted"] == len(waiting)
        if s["status"] == "cancelled":
            assert not confirmed and not waiting
        promoted = [b["waitlist_position"] for b in confirmed if b["waitlist_position"]]
        if promoted and waiting:
            assert max(promoted) < min(b["waitlist_position"] for b in waiting), "not FIFO"
        if waiting and s["status"] == "scheduled":
            assert len(confirmed) == s["capacity"], "a place is free while someone waits"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sessions_plan=st.lists(session_plan, min_size=1, max_size=3),
    steps=st.lists(step, min_size=8, max_size=40),
    data=st.data(),
)
async def test_booking_invariants_and_figures_equal_the_final_records(
    world: World, sessions_plan: list[Any], steps: list[Any], data: st.DataObject
) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    name = f"{world.name}_iprop_{uuid.uuid4().hex[:8]}"
    try:
        uow = UnitOfWork(client, client[name], actor=Actor.system("tests"))
        await run(uow, sessions_plan, steps)
        db = client[name]
        sessions = await db["inspection_sessions"].find().to_list()
        bookings = await db["bookings"].find().to_list()
        results = await db["inspection_results"].find().to_list()
        check_invariants(sessions, bookings)
        for s in sessions:
            assert s["results"] == sum(r["session_id"] == s["_id"] for r in results)
        for r in results:
            assert r["outcome"] in {
                o.value for o in OUTCOMES_BY_SERVICE[InspectionService(r["service"])]
            }

        outbox = (
            await db["outbox"].find().sort([("created_at", 1), ("aggregate_version", 1)]).to_list()
        )
        envelopes = [EventEnvelope.from_json(d["value"]) for d in outbox]
        assert not any(
            "张三" in d["value"].decode() or "1380000000" in d["value"].decode() for d in outbox
        ), "personal data in events"
        feed, late = FakeFeed(), []
        for env in envelopes:
            feed.append(env)
            if data.draw(st.integers(0, 4)) == 0:
                feed.append(env)  # published twice at once
            if data.draw(st.integers(0, 4)) == 0:
                late.append(env)  # again later (a relay that crashed before marking it sent)
        for env in late:
            feed.append(env)
        cuts = data.draw(st.lists(st.integers(1, 9), min_size=1, max_size=3))

        store, _ = await consume(client, name + "_agg", "statistics", feed, cuts)
        expected = expected_figures(sessions, bookings, results)
        assert observed(await statistics(store, "2019")) == expected

        await consume(client, name + "_agg", "statistics", feed.published_again(envelopes), [5])
        assert observed(await statistics(store, "2019")) == expected

        replayed, _ = await consume(client, name + "_replay", "statistics-replay", feed, [7])
        assert observed(await statistics(replayed, "2019")) == expected
    finally:
        for suffix in ("", "_agg", "_replay"):
            await client.drop_database(name + suffix)
        await client.close()


async def test_waiting_line_is_first_in_first_out(world: World) -> None:
    """Capacity 1: A confirmed, B, C, D waiting; cancelling the confirmed one each time
    promotes B, then C, then D; raising the capacity promotes in the same order."""
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    name = f"{world.name}_fifo_{uuid.uuid4().hex[:8]}"
    try:
        uow = UnitOfWork(client, client[name], actor=Actor.system("tests"))
        await run(uow, [("110000", VenueType.campus, {InspectionService.testing}, 1)], [])
        sessions, bookings = SessionService(uow), BookingService(uow)
        bj = ctx("110000")
        session_id = (await client[name]["inspection_sessions"].find_one())["_id"]

        async def book(n: int) -> Any:
            out = await bookings.book(
                bj,
                session_id,
                BookPlace(
                    consumer_name="李四",
                    consumer_phone=f"1390000000{n}",
                    product_category=ProductCategory.toys,
                    service=InspectionService.testing,
                    waitlist=True,
                ),
                idempotency_key=None,
                request_fingerprint=uuid.uuid4().hex,
            )
            return out.record.record

        a, b, c, d, e = [await book(n) for n in range(5)]
        assert [x.status.value for x in (a, b, c, d, e)] == ["confirmed"] + ["waitlisted"] * 4
        await bookings.cancel(bj, a.id)
        assert (await bookings.get(bj, b.id)).record.status.value == "confirmed"
        assert (await bookings.get(bj, c.id)).record.status.value == "waitlisted"
        await bookings.cancel(bj, b.id)
        assert (await bookings.get(bj, c.id)).record.status.value == "confirmed"
        await bookings.cancel(bj, e.id)  # leaving the line frees no place
        assert (await bookings.get(bj, d.id)).record.status.value == "waitlisted"
        await sessions.update(bj, session_id, UpdateSession(capacity=3))
        assert (await bookings.get(bj, d.id)).record.status.value == "confirmed"
        session = (await sessions.get(bj, session_id)).record
        assert (session.confirmed, session.waitlisted, session.places_left) == (2, 0, 1)
    finally:
        await client.drop_database(name)
        await client.close()
