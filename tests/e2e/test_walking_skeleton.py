"""One event end to end: a report posted to `events` appears in the aggregator's statistics."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import auth
from tests.support.factories import activity_body, report_body
from tests.support.polling import eventually
from tests.support.services import ServiceProcess


async def statistics(http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str) -> Any:
    response = await http.get(
        f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq")
    )
    response.raise_for_status()
    return response.json()


async def test_a_reported_activity_appears_in_the_national_statistics(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    created = await http.post(
        f"{events_service.url}/v1/activities",
        json=activity_body(campaign),
        headers=auth("province", "110000"),
    )
    assert created.status_code == 201, created.text
    activity = created.json()
    assert activity["status"] == "scheduled"
    assert activity["province"] == "110000"

    reported = await http.post(
        f"{events_service.url}/v1/activities/{activity['id']}/report",
        json=report_body(participants=321, materials_distributed=654),
        headers=auth("province", "110000"),
    )
    assert reported.status_code == 200, reported.text
    assert reported.json()["status"] == "completed"

    table = await eventually(
        lambda: statistics(http, aggregator, campaign),
        until=lambda t: t["totals"]["education_activities"] == 1,
        what="the activity in the statistics",
    )
    assert table["campaign"] == campaign
    assert table["as_of"] is not None
    assert table["totals"]["participants"] == 321
    assert table["totals"]["materials_distributed"] == 654
    assert len(table["provinces"]) == 32
    beijing = next(p for p in table["provinces"] if p["province"] == "110000")
    assert beijing["name"] == "北京市"
    assert beijing["metrics"]["participants"] == 321
    assert beijing["by_venue_type"]["community"]["participants"] == 321
    others = [p for p in table["provinces"] if p["province"] != "110000"]
    assert all(p["metrics"]["participants"] == 0 for p in others)
    assert table["provinces"][-1]["province"] == "660000"  # XPCC last


async def test_a_correction_replaces_the_figures_and_a_cancellation_removes_them(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    headers = auth("province", "320000")
    body = activity_body(campaign, venue_name="鼓楼社区", city="南京市", county="鼓楼区")
    activity = (
        await http.post(f"{events_service.url}/v1/activities", json=body, headers=headers)
    ).json()
    url = f"{events_service.url}/v1/activities/{activity['id']}"
    assert (
        await http.post(f"{url}/report", json=report_body(participants=100), headers=headers)
    ).status_code == 200
    first = await eventually(
        lambda: statistics(http, aggregator, campaign),
        until=lambda t: t["totals"]["participants"] == 100,
        what="first report",
    )
    assert first["totals"]["education_activities"] == 1

    corrected = await http.post(f"{url}/report", json=report_body(participants=80), headers=headers)
    assert corrected.status_code == 200
    assert corrected.json()["version"] == 3
    second = await eventually(
        lambda: statistics(http, aggregator, campaign),
        until=lambda t: t["totals"]["participants"] == 80,
        what="the corrected figures",
    )
    assert second["totals"]["education_activities"] == 1  # still one activity, never two
    assert second["totals"]["venues_covered"] == 1

    assert (
        await http.post(f"{url}/cancel", json={"reason": "暴雨"}, headers=headers)
    ).status_code == 200
    third = await eventually(
        lambda: statistics(http, aggregator, campaign),
        until=lambda t: t["totals"]["education_activities"] == 0,
        what="the cancellation",
    )
    assert third["totals"]["participants"] == 0
    assert third["totals"]["venues_covered"] == 0
    again = await http.post(f"{url}/cancel", json={}, headers=headers)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
