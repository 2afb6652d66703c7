"""Never more confirmed bookings than capacity, under any concurrency: 200 simultaneous booking
requests for 50 places, spread over two running inspection processes that share the database.
The guarantee is the database's (a conditional update in each booking's transaction), so it
must hold although neither process knows of the other."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import World, auth
from tests.e2e.test_inspection import BJ
from tests.support.factories import booking_body, session_body
from tests.support.services import ServiceProcess

CAPACITY, REQUESTS = 50, 200


@pytest.fixture(scope="module")
def second_inspection(world: World, inspection_service: ServiceProcess) -> Iterator[ServiceProcess]:
    service = world.service("inspection", instance="b").start().wait_ready()
    yield service
    service.stop()


async def _all_bookings(http: httpx.AsyncClient, url: str, session_id: str) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 500} | ({"cursor": cursor} if cursor else {})
        page = (
            await http.get(
                f"{url}/v1/inspection-sessions/{session_id}/bookings",
                params=params,
                headers=auth("province", BJ),
            )
        ).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


async def test_two_processes_never_confirm_more_than_capacity(
    inspection_service: ServiceProcess, second_inspection: ServiceProcess, campaign: str
) -> None:
    processes = [inspection_service.url, second_inspection.url]
    headers = auth("province", BJ)
    limits = httpx.Limits(max_connections=REQUESTS, max_keepalive_connections=REQUESTS)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        session = (
            await http.post(
                f"{processes[0]}/v1/inspection-sessions",
                json=session_body(campaign, capacity=CAPACITY),
                headers=headers,
            )
        ).json()
        path = f"/v1/inspection-sessions/{session['id']}/bookings"

        async def book(i: int) -> tuple[bool, httpx.Response]:
            waitlist = i % 4 < 2  # half of the requests would rather wait than be refused
            body = booking_body(1000 + i, waitlist=waitlist)
            return waitlist, await http.post(processes[i % 2] + path, json=body, headers=headers)

        started = time.perf_counter()
        answers = await asyncio.gather(*(book(i) for i in range(REQUESTS)))
        elapsed = time.perf_counter() - started

        def what(r: httpx.Response) -> str:
            return r.json()["status"] if r.status_code == 201 else r.json()["type"].split(":")[-1]

        outcomes = Counter((waitlist, r.status_code, what(r)) for waitlist, r in answers)
        confirmed = sum(n for (_, code, what), n in outcomes.items() if what == "confirmed")
        assert confirmed == CAPACITY, outcomes
        allowed = {
            (True, 201, "confirmed"),
            (False, 201, "confirmed"),
            (True, 201, "waitlisted"),
            (False, 409, "session-full"),
        }
        assert set(outcomes) <= allowed, outcomes
        print(
            f"\n[concurrency] {REQUESTS} requests over 2 processes in {elapsed:.2f} s: {dict(outcomes)}"
        )

        stored = await _all_bookings(http, processes[1], session["id"])
        assert len(stored) == REQUESTS - outcomes[(False, 409, "session-full")]
        assert sum(b["status"] == "confirmed" for b in stored) == CAPACITY
        waiting = sorted(
            (b for b in stored if b["status"] == "waitlisted"), key=lambda b: b["waitlist_position"]
        )
        assert [b["waitlist_position"] for b in waiting] == list(range(1, len(waiting) + 1))
        view = (
            await http.get(
                f"{processes[1]}/v1/inspection-sessions/{session['id']}", headers=headers
            )
        ).json()
        assert (view["confirmed"], view["waitlisted"], view["places_left"]) == (
            CAPACITY,
            len(waiting),
            0,
        )

        # ten confirmed bookings cancelled at once, through both processes: the first ten in line
        # take their places, in order, and the session stays exactly full
        leaving = [b["id"] for b in stored if b["status"] == "confirmed"][:10]
        cancels = await asyncio.gather(
            *(
                http.post(f"{processes[i % 2]}/v1/bookings/{b}/cancel", headers=headers)
                for i, b in enumerate(leaving)
            )
        )
        assert [c.status_code for c in cancels] == [200] * 10
        after = {b["id"]: b for b in await _all_bookings(http, processes[0], session["id"])}
        assert sum(b["status"] == "confirmed" for b in after.values()) == CAPACITY
        assert [after[b["id"]]["status"] for b in waiting] == ["confirmed"] * 10 + [
            "waitlisted"
        ] * (len(waiting) - 10)
