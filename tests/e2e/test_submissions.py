"""Campaigns and report submissions over HTTP: who may do what, the flow submit → return →
resubmit → approve, the tracker of 32 units, and the overdue events on Kafka once per province."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import World, auth
from tests.support.kafka import envelopes_on
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

ADMIN, HQ = auth("admin"), auth("hq")


async def put_campaign(
    http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str, deadline: datetime
) -> httpx.Response:
    return await http.put(
        f"{aggregator.url}/v1/campaigns/{campaign}",
        json={
            "starts_on": "2019-09-01",
            "ends_on": "2019-11-30",
            "report_deadline": deadline.isoformat(),
        },
        headers=ADMIN,
    )


async def test_campaign_2019_exists_and_admin_defines_others(
    http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str
) -> None:
    default = (await http.get(f"{aggregator.url}/v1/campaigns/2019", headers=HQ)).json()
    assert default == {
        "campaign": "2019",
        "starts_on": "2019-09-01",
        "ends_on": "2019-11-30",
        "report_deadline": "2019-11-30T23:59:59+08:00",
    }
    url = f"{aggregator.url}/v1/campaigns/{campaign}"
    body = {
        "starts_on": "2019-09-01",
        "ends_on": "2019-11-30",
        "report_deadline": "2019-12-01T00:00:00Z",
    }
    assert (await http.put(url, json=body, headers=HQ)).status_code == 403
    assert (await http.put(url, json=body, headers=auth("province", "110000"))).status_code == 403
    naive = await http.put(
        url, json=body | {"report_deadline": "2019-12-01T00:00:00"}, headers=ADMIN
    )
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "report_deadline"
    backwards = await http.put(url, json=body | {"ends_on": "2019-08-01"}, headers=ADMIN)
    assert backwards.status_code == 422
    created = await http.put(url, json=body, headers=ADMIN)
    assert created.status_code == 201
    assert created.json()["report_deadline"] == "2019-12-01T08:00:00+08:00"  # Beijing time
    assert (await http.put(url, json=body, headers=ADMIN)).status_code == 200
    assert (
        await http.get(f"{aggregator.url}/v1/campaigns/nope-{campaign}", headers=HQ)
    ).status_code == 404


async def test_submit_return_resubmit_approve(
    http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str
) -> None:
    await put_campaign(http, aggregator, campaign, datetime.now(UTC) + timedelta(days=1))
    url = f"{aggregator.url}/v1/campaigns/{campaign}/submissions"
    gd = auth("province", "440000")
    assert (await http.post(url, json={"summary": "x"}, headers=HQ)).status_code == 403
    assert (await http.post(url, json={}, headers=gd)).status_code == 422
    first = await http.post(url, json={"summary": "广东省共开展活动"}, headers=gd)
    assert first.status_code == 201, first.text
    row = first.json()
    assert (row["status"], row["on_time"], row["attempts"]) == ("submitted", True, 1)
    assert set(row["snapshot"]) >= {"education_activities", "satisfaction_index"}
    assert row["submitted_at"].endswith("+08:00")

    assert (await http.post(f"{url}/440000/approve", headers=gd)).status_code == 403
    returned = await http.post(f"{url}/440000/return", json={"comment": "请补充"}, headers=HQ)
    assert returned.json()["status"] == "returned"
    assert (
        await http.post(f"{url}/440000/return", json={"comment": "x"}, headers=HQ)
    ).status_code == 409
    again = (await http.post(url, json={"summary": "已补充"}, headers=gd)).json()
    assert (again["attempts"], [s["action"] for s in again["history"]]) == (
        2,
        ["submitted", "returned", "submitted"],
    )
    assert again["changes_since_last"] == {}  # no figure moved in between
    approved = await http.post(f"{url}/440000/approve", json={"comment": "同意"}, headers=HQ)
    assert approved.json()["status"] == "approved"
    locked = await http.post(url, json={"summary": "改"}, headers=gd)
    assert locked.status_code == 409

    other = auth("province", "110000")
    assert (await http.get(f"{url}/440000", headers=other)).status_code == 404
    assert (await http.get(f"{url}/440000", headers=gd)).json()["status"] == "approved"
    assert (await http.get(url, headers=other)).status_code == 403
    tracker = (await http.get(url, headers=HQ)).json()
    assert len(tracker["items"]) == 32 and tracker["items"][-1]["province"] == "660000"
    assert tracker["summary"] | {"missing": len(tracker["summary"]["missing"])} == {
        "expected": 32,
        "submitted": 1,
        "on_time": 1,
        "late": 0,
        "approved": 1,
        "returned": 0,
        "missing": 31,
        "overdue": [],
    }


async def test_missing_provinces_become_overdue_once(
    http: httpx.AsyncClient, world: World, aggregator: ServiceProcess, campaign: str
) -> None:
    await put_campaign(http, aggregator, campaign, datetime.now(UTC) + timedelta(seconds=2))
    url = f"{aggregator.url}/v1/campaigns/{campaign}/submissions"
    on_time = await http.post(url, json={"summary": "按时"}, headers=auth("province", "110000"))
    assert on_time.json()["on_time"] is True
    tracker = await eventually(
        lambda: http.get(url, headers=HQ),
        until=lambda r: len(r.json()["summary"]["overdue"]) == 31,
        timeout_s=30,
        what="31 overdue provinces",
    )
    assert "110000" not in tracker.json()["summary"]["overdue"]
    topic = f"{world.topic_prefix}sanjin.submissions"

    async def overdue_events() -> Counter[str]:
        said = Counter()
        for env in await envelopes_on(world.infra.kafka_bootstrap, topic):
            if env["type"] == "SubmissionDeadlineMissed" and env["payload"]["campaign"] == campaign:
                said[env["payload"]["province"]] += 1
        return said

    said = await eventually(overdue_events, until=lambda c: len(c) == 31, what="overdue events")
    assert set(said.values()) == {1}
    late = await http.post(url, json={"summary": "迟交"}, headers=auth("province", "120000"))
    assert late.json()["on_time"] is False
    summary = (await http.get(url, headers=HQ)).json()["summary"]
    assert (summary["submitted"], summary["late"], len(summary["overdue"])) == (2, 1, 30)
    await asyncio.sleep(1.5)  # three more rounds of the deadline watch: nothing is said again
    assert set((await overdue_events()).values()) == {1}
