"""Limits on hostile or mistaken input, over HTTP: bodies over 1 MiB (batches: 5 MiB) are refused
with 413 before a handler reads them, deeply nested JSON with 400, a token past its rate limit
with 429 and Retry-After, counted together by two processes of a service; and nothing of a
refused request is written. The audit trail records a write and nothing of a refused one."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import World, auth, token
from tests.support.factories import activity_body, report_body
from tests.support.services import ServiceProcess

BJ = "110000"
PROBLEM = "application/problem+json"
MiB = 1024 * 1024
LIMIT, WINDOW_S = 20, 60


async def _count(http: httpx.AsyncClient, events: ServiceProcess, campaign: str) -> int:
    page = await http.get(
        f"{events.url}/v1/activities",
        params={"campaign": campaign, "limit": 500},
        headers=auth("hq"),
    )
    return len(page.json()["items"])


async def test_bodies_over_the_limit_are_refused_before_they_are_read(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities"
    h = auth("province", BJ) | {"Content-Type": "application/json"}
    big = json.dumps(activity_body(campaign, title="大" * 10, organizer="x" * (MiB + 10)))
    declared = await http.post(url, content=big.encode(), headers=h)
    assert declared.status_code == 413, declared.text
    assert declared.headers["content-type"] == PROBLEM
    assert declared.json()["type"].endswith(":payload-too-large")
    assert declared.json()["limit_bytes"] == MiB

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        body = big.encode()
        for i in range(0, len(body), 64 * 1024):
            yield body[i : i + 64 * 1024]

    streamed = await http.post(url, content=chunks(), headers=h)
    assert streamed.status_code == 413 and "content-length" not in streamed.request.headers

    # a batch may carry 5 MiB: 2 MiB is read (and validated item by item), 6 MiB is not
    item = activity_body(campaign, organizer="y" * 2000)
    batch = f"{events_service.url}/v1/activities:batch"
    two = {"items": [item] * 1000}
    assert 1.5 * MiB < len(json.dumps(two)) < 5 * MiB
    ok = await http.post(batch, json=two, headers=h, params={"dry_run": "true"})
    assert ok.status_code == 422 or ok.status_code == 200, ok.text  # read, not refused for size
    six = {"items": [activity_body(campaign, organizer="z" * 6000)] * 1000}
    assert len(json.dumps(six)) > 5 * MiB
    refused = await http.post(batch, json=six, headers=h)
    assert refused.status_code == 413 and refused.json()["limit_bytes"] == 5 * MiB
    assert await _count(http, events_service, campaign) == 0


async def test_deeply_nested_json_is_refused_and_ordinary_json_is_not(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities"
    h = auth("province", BJ) | {"Content-Type": "application/json"}
    for depth in (40, 100_000):
        body = json.dumps(activity_body(campaign))[:-1] + ', "x": ' + "[" * depth + "]" * depth
        r = await http.post(url, content=(body + "}").encode(), headers=h)
        assert r.status_code == 400, (depth, r.text)
        assert r.json()["type"].endswith(":json-too-deep")
    # many brackets but shallow: read and validated as usual (an unknown field: 422)
    wide = activity_body(campaign) | {"x": [[1]] * 5000}
    r = await http.post(url, json=wide, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "x", r.text
    ok = await http.post(url, json=activity_body(campaign), headers=h)
    assert ok.status_code == 201
    assert await _count(http, events_service, campaign) == 1


@pytest.fixture(scope="module")
def limited_pair(world: World) -> Iterator[list[ServiceProcess]]:
    """Two events processes on one database, with a low rate limit."""
    env = world.env("events") | {
        "SANJIN_RATE_LIMIT_PER_WINDOW": str(LIMIT),
        "SANJIN_RATE_LIMIT_WINDOW_S": str(WINDOW_S),
        "SANJIN_MONGODB_DATABASE": f"{world.name}_events_limited",
    }
    pair = [
        ServiceProcess("events", env, world.run_dir, instance=f"-limited-{i}").start()
        for i in range(2)
    ]
    for p in pair:
        p.wait_ready()
    yield pair
    for p in pair:
        p.stop()


async def test_rate_limit_is_shared_by_the_processes_of_a_service(
    http: httpx.AsyncClient, limited_pair: list[ServiceProcess], campaign: str
) -> None:
    sub = f"burst-{uuid.uuid4().hex[:6]}"
    h = {"Authorization": f"Bearer {token('province', BJ, sub=sub)}"}

    async def create(i: int) -> httpx.Response:
        return await http.post(
            f"{limited_pair[i % 2].url}/v1/activities", json=activity_body(campaign), headers=h
        )

    answers = await asyncio.gather(*(create(i) for i in range(2 * LIMIT)))
    statuses = Counter(r.status_code for r in answers)
    # one process each would let 2 × LIMIT through; together they let exactly LIMIT
    assert statuses == {201: LIMIT, 429: LIMIT}, statuses
    refused = [r for r in answers if r.status_code == 429]
    for r in refused:
        assert r.headers["content-type"] == PROBLEM
        assert 1 <= int(r.headers["Retry-After"]) <= WINDOW_S
        assert r.json()["type"].endswith(":too-many-requests")
    by_process = Counter(answers.index(r) % 2 for r in refused)
    assert len(by_process) == 2, "both processes refused some: the count is shared"

    # nothing refused was written; another token has its own allowance
    other = {"Authorization": f"Bearer {token('province', BJ, sub=sub + '-other')}"}
    listed = await http.get(
        f"{limited_pair[0].url}/v1/activities",
        params={"campaign": campaign, "limit": 500},
        headers=other,
    )
    assert listed.status_code == 200 and len(listed.json()["items"]) == LIMIT
    again = await http.get(f"{limited_pair[1].url}/v1/activities", headers=h)
    assert again.status_code == 429


async def test_a_write_is_audited_in_its_transaction_and_a_refused_one_is_not(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities"
    h = auth("province", BJ)
    made = await http.post(
        url, json=activity_body(campaign), headers=h | {"X-Correlation-Id": "a1"}
    )
    activity = made.json()
    cid = f"audit-{uuid.uuid4().hex[:8]}"
    reported = await http.post(
        f"{url}/{activity['id']}/report",
        json=report_body(),
        headers=h | {"X-Correlation-Id": cid},
    )
    assert reported.status_code == 200
    cancelled_cid = f"{cid}-cancel"
    await http.post(
        f"{url}/{activity['id']}/cancel", headers=h | {"X-Correlation-Id": cancelled_cid}
    )
    again = f"{cid}-again"  # a second cancel is a 409: no change, so no audit entry
    refused = await http.post(
        f"{url}/{activity['id']}/cancel", headers=h | {"X-Correlation-Id": again}
    )
    assert refused.status_code == 409

    audit = f"{events_service.url}/v1/audit"
    entries = await http.get(audit, params={"record_id": activity["id"]}, headers=auth("hq"))
    assert entries.status_code == 200
    items = entries.json()["items"]
    assert [e["action"] for e in items] == [
        "ActivityScheduled",
        "ActivityReported",
        "ActivityCancelled",
    ]
    reported_entry = items[1]
    assert reported_entry["actor"] == {
        "sub": f"test-province-{BJ}",
        "role": "province",
        "province": BJ,
    }
    assert reported_entry["record"] == {
        "type": "activity",
        "id": activity["id"],
        "version": 2,
        "province": BJ,
    }
    assert reported_entry["correlation_id"] == cid
    none = await http.get(audit, params={"correlation_id": again}, headers=auth("hq"))
    assert none.json()["items"] == []
    # provinces do not read the trail
    assert (await http.get(audit, headers=h)).status_code == 403
