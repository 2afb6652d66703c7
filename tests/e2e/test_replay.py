"""`sanjin replay` rebuilds the read models from the beginning of the topics into a new
generation while the aggregator keeps serving, switches over, and the view is identical; the
aggregator then goes on applying new events to the new generation."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.conftest import World, auth
from tests.support.activities import reported_activity
from tests.support.factories import booking_body, report_body, session_body
from tests.support.polling import eventually
from tests.support.replay import run_replay
from tests.support.services import ServiceProcess

HQ = auth("hq")


async def _views(http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str) -> Any:
    base = f"{aggregator.url}/v1/campaigns/{campaign}"
    return (
        (await http.get(f"{base}/statistics", headers=HQ)).json(),
        (await http.get(f"{base}/statistics/daily", headers=HQ)).json(),
        (await http.get(f"{base}/monitoring-points", headers=HQ)).json(),
    )


async def test_replay_rebuilds_the_identical_view_without_stopping_the_api(
    http: httpx.AsyncClient,
    world: World,
    events_service: ServiceProcess,
    inspection_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    for province in ("110000", "540000", "660000"):
        headers = auth("province", province)
        a = await reported_activity(http, events_service.url, campaign, province, 77)
        await http.post(
            f"{events_service.url}/v1/activities/{a['id']}/report",
            json=report_body(participants=80),
            headers=headers,
        )
        s = (
            await http.post(
                f"{inspection_service.url}/v1/inspection-sessions",
                json=session_body(campaign),
                headers=headers,
            )
        ).json()
        await http.post(
            f"{inspection_service.url}/v1/inspection-sessions/{s['id']}/bookings",
            json=booking_body(900),
            headers=headers,
        )
    await eventually(
        lambda: http.get(f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=HQ),
        until=lambda r: (
            r.json()["totals"]["participants"] == 240
            and r.json()["totals"]["bookings_confirmed"] == 3
        ),
        what="the figures before the replay",
    )
    before = await _views(http, aggregator, campaign)

    statuses: list[int] = []
    stop = asyncio.Event()

    async def keep_reading() -> None:
        while not stop.is_set():
            r = await http.get(f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=HQ)
            statuses.append(r.status_code)
            await asyncio.sleep(0.05)

    reader = asyncio.create_task(keep_reading())
    _, output = await run_replay(world.env("aggregator"), aggregator)
    assert "events" in output and "ev/s" in output and "switched" in output, output
    after = await eventually(
        lambda: _views(http, aggregator, campaign),
        until=lambda views: views == before,
        what="the identical view from the new generation",
    )
    assert after == before
    stop.set()
    await reader
    assert statuses and set(statuses) == {200}, statuses

    # the new generation goes on: a correction after the switch moves the figures once
    await reported_activity(http, events_service.url, campaign, "110000", 10)
    await eventually(
        lambda: http.get(f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=HQ),
        until=lambda r: r.json()["totals"]["participants"] == 250,
        what="an event after the switch in the statistics",
    )
