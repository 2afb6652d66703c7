"""What a create answers is what a read shows, for every record a province creates.

A create answers with the record as it wrote it, without reading it back, and looks nothing up
first (the unique indexes refuse a repeat, and only then is the earlier record looked up). This
checks both, for all seven creates: the 201's body equals a GET's (times to the millisecond as
MongoDB keeps them); a repeat by external id or by Idempotency-Key answers 200 with the same
record; different content under the same external id or key is a 409, and nothing is written
twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import auth
from tests.support.factories import (
    activity_body,
    booking_body,
    point_body,
    risk_report_body,
    session_body,
    survey_body,
)
from tests.support.services import ServiceProcess

PROVINCE = "110000"
HEADERS = auth("province", PROVINCE)


async def post(http: httpx.AsyncClient, url: str, body: dict, **headers: str) -> httpx.Response:
    return await http.post(url, json=body, headers=HEADERS | headers)


async def check_create(
    http: httpx.AsyncClient,
    create_url: str,
    read_url: Callable[[str], str],
    body: Callable[[str], dict[str, Any]],
    changed: dict[str, Any],
) -> dict[str, Any]:
    """The checks of one create; `changed` is a change of content for the 409 cases."""
    external_id = f"ext-{uuid.uuid4().hex[:8]}"
    created = await post(http, create_url, body(external_id))
    assert created.status_code == 201, created.text
    record = created.json()
    read = await http.get(read_url(record["id"]), headers=HEADERS)
    assert read.status_code == 200, read.text
    assert read.json() == record

    # a repeat by external id: the same record, 200
    again = await post(http, create_url, body(external_id))
    assert again.status_code == 200, again.text
    assert again.json() == record
    # the same external id with other content: 409, naming the record
    conflict = await post(http, create_url, body(external_id) | changed)
    assert conflict.status_code == 409, conflict.text
    assert conflict.json()["type"].endswith("external-id-conflict")
    assert conflict.json()["record_id"] == record["id"]

    # an Idempotency-Key: the first use creates, a repeat answers the same record
    key = f"key-{uuid.uuid4().hex}"
    other = f"ext-{uuid.uuid4().hex[:8]}"
    first = await post(http, create_url, body(other), **{"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    repeat = await post(http, create_url, body(other), **{"Idempotency-Key": key})
    assert repeat.status_code == 200, repeat.text
    assert repeat.json() == first.json()
    reused = await post(http, create_url, body(other) | changed, **{"Idempotency-Key": key})
    assert reused.status_code == 409, reused.text
    assert reused.json()["type"].endswith("idempotency-key-reused")
    # a key used for the first time on a record that exists by external id: that record
    found = await post(
        http, create_url, body(external_id), **{"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    )
    assert found.status_code == 200, found.text
    assert found.json()["id"] == record["id"]
    return record


async def test_every_create_answers_what_a_read_shows_and_repeats_find_the_first(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    campaign: str,
) -> None:
    await check_create(
        http,
        f"{events_service.url}/v1/activities",
        lambda i: f"{events_service.url}/v1/activities/{i}",
        lambda ext: activity_body(campaign, external_id=ext),
        {"title": "另一个标题"},
    )
    point = await check_create(
        http,
        f"{risk_service.url}/v1/monitoring-points",
        lambda i: f"{risk_service.url}/v1/monitoring-points/{i}",
        lambda ext: point_body(campaign, external_id=ext),
        {"name": "另一个监测点"},
    )
    await check_create(
        http,
        f"{risk_service.url}/v1/risk-reports",
        lambda i: f"{risk_service.url}/v1/risk-reports/{i}",
        lambda ext: risk_report_body(point["id"], campaign, external_id=ext),
        {"model": "另一个型号"},
    )
    session = await check_create(
        http,
        f"{inspection_service.url}/v1/inspection-sessions",
        lambda i: f"{inspection_service.url}/v1/inspection-sessions/{i}",
        lambda ext: session_body(campaign, external_id=ext, capacity=20),
        {"venue_name": "另一个社区"},
    )
    sessions_url = f"{inspection_service.url}/v1/inspection-sessions/{session['id']}"
    await check_create(
        http,
        f"{sessions_url}/bookings",
        lambda i: f"{inspection_service.url}/v1/bookings/{i}",
        lambda ext: booking_body(int(ext[-6:], 16), external_id=ext),  # a consumer per record
        {"product_category": "footwear"},
    )
    await check_create(
        http,
        f"{sessions_url}/results",
        lambda i: f"{inspection_service.url}/v1/inspection-results/{i}",
        lambda ext: {
            "product_category": "toys",
            "service": "testing",
            "outcome": "pass",
            "external_id": ext,
        },
        {"outcome": "fail"},
    )
    await check_create(
        http,
        f"{survey_service.url}/v1/surveys",
        lambda i: f"{survey_service.url}/v1/surveys/{i}",
        lambda ext: survey_body(campaign, external_id=ext),
        {"title": "另一个调查"},
    )
