"""Authentication, the province scope rule and problem+json errors, over HTTP."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from sanjin_shared.auth import mint_token
from tests.conftest import TEST_SECRET, auth, token
from tests.support.factories import activity_body, report_body
from tests.support.services import ServiceProcess

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert "Traceback" not in response.text
    return body


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Bearer {token('province', '110000', ttl_s=-10)}"},  # expired
        {
            "Authorization": f"Bearer {mint_token('another-secret-0123456789abcdef0123', sub='x', role='hq')}"
        },
        {"Authorization": f"Bearer {token('hq', audience='someone-else')}"},
        {"Authorization": f"Bearer {token('province')}"},  # province role without province claim
        {"Authorization": f"Bearer {token('superuser')}"},  # unknown role
    ],
    ids=[
        "none",
        "basic",
        "garbage",
        "expired",
        "bad-signature",
        "wrong-audience",
        "no-province",
        "bad-role",
    ],
)
async def test_no_valid_token_is_401(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str, headers: dict
) -> None:
    response = await http.post(
        f"{events_service.url}/v1/activities", json=activity_body(campaign), headers=headers
    )
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert body["type"] == "urn:sanjin:problem:unauthorized"


async def test_a_token_without_exp_is_refused(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    no_exp = jwt.encode(
        {"sub": "x", "role": "hq", "aud": "sanjin", "iat": int(time.time())}, TEST_SECRET, "HS256"
    )
    response = await http.get(
        f"{events_service.url}/v1/activities", headers={"Authorization": f"Bearer {no_exp}"}
    )
    assert_problem(response, 401)


async def test_a_province_writing_for_another_province_is_403(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    response = await http.post(
        f"{events_service.url}/v1/activities",
        json=activity_body(campaign, province="120000"),
        headers=auth("province", "110000"),
    )
    body = assert_problem(response, 403)
    assert "120000" in body["detail"]


async def test_its_own_province_in_the_body_is_accepted(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    response = await http.post(
        f"{events_service.url}/v1/activities",
        json=activity_body(campaign, province="110000"),
        headers=auth("province", "110000"),
    )
    assert response.status_code == 201
    assert response.json()["province"] == "110000"


async def test_hq_writes_for_a_named_province_and_must_name_one(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities"
    named = await http.post(
        url, json=activity_body(campaign, province="660000"), headers=auth("hq")
    )
    assert named.status_code == 201
    assert named.json()["province"] == "660000"
    unnamed = await http.post(url, json=activity_body(campaign), headers=auth("hq"))
    body = assert_problem(unnamed, 422)
    assert body["errors"][0]["field"] == "province"


async def test_a_bad_body_is_422_naming_each_field(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    body = activity_body(campaign, kind="party", scheduled_on="not a date", surprise=1)
    del body["title"]
    response = await http.post(
        f"{events_service.url}/v1/activities", json=body, headers=auth("province", "110000")
    )
    problem = assert_problem(response, 422)
    fields = {e["field"] for e in problem["errors"]}
    assert fields == {"kind", "scheduled_on", "title", "surprise"}


async def test_a_broken_json_body_is_422_not_500(
    http: httpx.AsyncClient, events_service: ServiceProcess
) -> None:
    response = await http.post(
        f"{events_service.url}/v1/activities",
        content=b'{"campaign": "2019",',
        headers={**auth("province", "110000"), "content-type": "application/json"},
    )
    assert_problem(response, 422)


async def test_business_rules_are_422_naming_the_field(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    headers = auth("province", "110000")
    url = f"{events_service.url}/v1/activities"
    hospital = await http.post(
        url, json=activity_body(campaign, venue_type="hospital"), headers=headers
    )
    assert assert_problem(hospital, 422)["errors"][0]["field"] == "venue_type"
    created = await http.post(url, json=activity_body(campaign), headers=headers)
    future = await http.post(
        f"{url}/{created.json()['id']}/report",
        json=report_body(held_on="2019-12-31"),
        headers=headers,
    )
    # 2019-12-31 is in the past and inside the campaign year: accepted
    assert future.status_code == 200
    wrong_year = await http.post(
        f"{url}/{created.json()['id']}/report",
        json=report_body(held_on="2018-09-01"),
        headers=headers,
    )
    assert assert_problem(wrong_year, 422)["errors"][0]["field"] == "held_on"
    negative = await http.post(
        f"{url}/{created.json()['id']}/report", json=report_body(participants=-1), headers=headers
    )
    assert assert_problem(negative, 422)["errors"][0]["field"] == "participants"


async def test_another_provinces_record_is_not_found_for_a_province(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities"
    created = await http.post(url, json=activity_body(campaign), headers=auth("province", "110000"))
    activity_id = created.json()["id"]
    stranger = auth("province", "310000")
    assert_problem(await http.get(f"{url}/{activity_id}", headers=stranger), 404)
    assert_problem(
        await http.post(f"{url}/{activity_id}/report", json=report_body(), headers=stranger), 404
    )
    listed = await http.get(url, params={"campaign": campaign}, headers=stranger)
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    assert (await http.get(f"{url}/{activity_id}", headers=auth("hq"))).status_code == 200


async def test_idempotency_key_and_external_id_create_once(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities"
    headers = {**auth("province", "110000"), "Idempotency-Key": f"key-{campaign}"}
    first = await http.post(url, json=activity_body(campaign), headers=headers)
    again = await http.post(url, json=activity_body(campaign), headers=headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    changed = await http.post(url, json=activity_body(campaign, title="另一个"), headers=headers)
    assert assert_problem(changed, 409)["type"] == "urn:sanjin:problem:idempotency-key-reused"

    plain = auth("province", "110000")
    body = activity_body(campaign, external_id="BJ-2019-0001")
    one = await http.post(url, json=body, headers=plain)
    two = await http.post(url, json=body, headers=plain)
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.json()["id"] == two.json()["id"]
    conflict = await http.post(url, json={**body, "title": "改了"}, headers=plain)
    assert assert_problem(conflict, 409)["type"] == "urn:sanjin:problem:external-id-conflict"
    listed = await http.get(url, params={"campaign": campaign}, headers=plain)
    assert len(listed.json()["items"]) == 2


async def test_correlation_id_is_echoed(
    http: httpx.AsyncClient, events_service: ServiceProcess
) -> None:
    response = await http.get(
        events_service.url + "/healthz", headers={"X-Correlation-ID": "abc-123"}
    )
    assert response.headers["x-correlation-id"] == "abc-123"
    generated = await http.get(events_service.url + "/healthz")
    assert len(generated.headers["x-correlation-id"]) == 36
