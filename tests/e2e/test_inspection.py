"""The inspection service over HTTP: sessions, bookings with the waiting line, results, the
rules of docs/api.md, personal data, province scope, and the figures in the aggregator."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.conftest import auth
from tests.support.campaigns import CampaignTopic
from tests.support.factories import booking_body, session_body
from tests.support.personal import consumer
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

BJ = "110000"
PROBLEM = "application/problem+json"


class Client:
    def __init__(self, http: httpx.AsyncClient, service: ServiceProcess, province: str = BJ):
        self.http, self.url, self.headers = http, service.url + "/v1", auth("province", province)

    async def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        headers = self.headers | kw.pop("headers", {})
        return await self.http.post(self.url + path, json=body, headers=headers, **kw)

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        headers = kw.pop("headers", self.headers)
        return await self.http.get(self.url + path, headers=headers, **kw)

    async def patch(self, path: str, body: Any) -> httpx.Response:
        return await self.http.patch(self.url + path, json=body, headers=self.headers)

    async def session(self, campaign: str, **overrides: Any) -> dict[str, Any]:
        r = await self.post("/inspection-sessions", session_body(campaign, **overrides))
        assert r.status_code == 201, r.text
        return r.json()


async def test_bookings_fill_the_session_then_wait_in_line(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    bj = Client(http, inspection_service)
    s = await bj.session(campaign)
    assert (s["status"], s["capacity"], s["confirmed"], s["places_left"]) == ("scheduled", 2, 0, 2)
    path = f"/inspection-sessions/{s['id']}/bookings"

    first = await bj.post(path, booking_body(1))
    second = await bj.post(path, booking_body(2, service="authentication"))
    assert [first.status_code, second.status_code] == [201, 201]
    assert {first.json()["status"], second.json()["status"]} == {"confirmed"}

    full = await bj.post(path, booking_body(3))
    assert full.status_code == 409 and full.headers["content-type"] == PROBLEM
    assert full.json()["type"].endswith("session-full")
    waiting = [await bj.post(path, booking_body(n, waitlist=True)) for n in (3, 4)]
    assert [w.status_code for w in waiting] == [201, 201]
    assert [(w.json()["status"], w.json()["waitlist_position"]) for w in waiting] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    again = await bj.post(path, booking_body(3, waitlist=True))
    assert again.status_code == 409 and again.json()["type"].endswith("already-booked")

    now = (await bj.get(f"/inspection-sessions/{s['id']}")).json()
    assert (now["confirmed"], now["waitlisted"], now["places_left"]) == (2, 2, 0)
    below = await bj.patch(f"/inspection-sessions/{s['id']}", {"capacity": 1})
    assert below.status_code == 409 and "已确认的预约数 2" in below.json()["detail"]

    cancelled = await bj.post(f"/bookings/{first.json()['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancellation_reason"] == "consumer"
    promoted = (await bj.get(f"/bookings/{waiting[0].json()['id']}")).json()
    assert promoted["status"] == "confirmed"
    assert (await bj.get(f"/bookings/{waiting[1].json()['id']}")).json()["status"] == "waitlisted"
    twice = await bj.post(f"/bookings/{first.json()['id']}/cancel")
    assert twice.status_code == 409

    bigger = await bj.patch(f"/inspection-sessions/{s['id']}", {"capacity": 4})
    assert bigger.status_code == 200, bigger.text
    assert (bigger.json()["confirmed"], bigger.json()["waitlisted"]) == (3, 0)
    assert bigger.json()["places_left"] == 1
    assert (await bj.get(f"/bookings/{waiting[1].json()['id']}")).json()["status"] == "confirmed"


async def test_cancelling_a_session_cancels_its_bookings(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    bj = Client(http, inspection_service)
    s = await bj.session(campaign, capacity=1)
    path = f"/inspection-sessions/{s['id']}/bookings"
    ids = [(await bj.post(path, booking_body(n, waitlist=True))).json()["id"] for n in (10, 11)]
    no_reason = await bj.post(f"/inspection-sessions/{s['id']}/cancel", {})
    assert no_reason.status_code == 422
    r = await bj.post(f"/inspection-sessions/{s['id']}/cancel", {"reason": "场地临时关闭"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["confirmed"], r.json()["waitlisted"]) == (
        "cancelled",
        0,
        0,
    )
    for booking_id in ids:
        b = (await bj.get(f"/bookings/{booking_id}")).json()
        assert (b["status"], b["cancellation_reason"]) == ("cancelled", "session_cancelled")
    late = await bj.post(path, booking_body(12))
    assert late.status_code == 409 and "已取消" in late.json()["detail"]
    assert (
        await bj.post(f"/inspection-sessions/{s['id']}/cancel", {"reason": "x"})
    ).status_code == 409


async def test_results_follow_the_services_and_bookings(
    http: httpx.AsyncClient,
    inspection_service: ServiceProcess,
    campaign: str,
    campaign_topic: CampaignTopic,
) -> None:
    bj = Client(http, inspection_service)
    s = await bj.session(campaign, services=["testing", "authentication", "consultation"])
    other = await bj.session(campaign)
    booking = (await bj.post(f"/inspection-sessions/{s['id']}/bookings", booking_body(20))).json()
    results = f"/inspection-sessions/{s['id']}/results"

    def result(**overrides: Any) -> dict[str, Any]:
        return {"product_category": "toys", "service": "testing", "outcome": "fail"} | overrides

    wrong_outcome = await bj.post(results, result(outcome="counterfeit"))
    assert wrong_outcome.status_code == 422
    assert wrong_outcome.json()["errors"][0]["field"] == "outcome"
    not_offered = await bj.post(results, result(service="certification", outcome="served"))
    assert not_offered.status_code == 422 and not_offered.json()["errors"][0]["field"] == "service"
    wrong_service = await bj.post(
        results, result(service="authentication", outcome="genuine", booking_id=booking["id"])
    )
    assert wrong_service.status_code == 422
    other_session = await bj.post(
        f"/inspection-sessions/{other['id']}/results", result(booking_id=booking["id"])
    )
    assert other_session.status_code == 422
    assert other_session.json()["errors"][0]["field"] == "booking_id"

    key = {"Idempotency-Key": f"{campaign}-r1"}
    made = await bj.post(results, result(booking_id=booking["id"]), headers=key)
    assert made.status_code == 201, made.text
    assert (made.json()["booking_id"], made.json()["venue_type"]) == (booking["id"], "community")
    repeat = await bj.post(results, result(booking_id=booking["id"]), headers=key)
    assert (repeat.status_code, repeat.json()["id"]) == (200, made.json()["id"])
    reused = await bj.post(results, result(outcome="pass"), headers=key)
    assert reused.status_code == 409
    by_external = [
        await bj.post(
            results, result(service="authentication", outcome="counterfeit", external_id="R-1")
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in by_external] == [201, 200]
    assert by_external[0].json()["id"] == by_external[1].json()["id"]

    listed = (await bj.get(results, params={"service": "authentication"})).json()
    assert [r["outcome"] for r in listed["items"]] == ["counterfeit"]
    assert (await bj.get(f"/inspection-sessions/{s['id']}")).json()["results"] == 2
    held = await bj.post(f"/inspection-sessions/{s['id']}/cancel", {"reason": "x"})
    assert held.status_code == 409 and "活动已经举行" in held.json()["detail"]
    later = f"2099-{campaign}"  # a campaign of its own, in the future
    await campaign_topic.define(later, date(2099, 1, 1), date(2099, 12, 31))
    future = await bj.session(later, date="2099-01-01")
    early = await bj.post(f"/inspection-sessions/{future['id']}/results", result())
    assert early.status_code == 422


async def test_results_batch(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    bj = Client(http, inspection_service)
    s = await bj.session(campaign)
    path = f"/inspection-sessions/{s['id']}/results:batch"
    items: list[dict[str, Any]] = [
        {
            "product_category": "toys",
            "service": "testing",
            "outcome": "pass",
            "external_id": f"B-{i}",
        }
        for i in range(6)
    ]
    items[2]["outcome"] = "served"  # not a testing outcome
    del items[3]["external_id"]
    items[4]["outcome"] = "maybe"  # not an outcome at all
    dry = await bj.post(path, {"items": items}, params={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    assert (dry.json()["created"], len(dry.json()["conflicts"])) == (3, 3)
    assert (await bj.get(f"/inspection-sessions/{s['id']}")).json()["results"] == 0

    first = (await bj.post(path, {"items": items})).json()
    assert first["created"] == 3
    assert sorted(c["index"] for c in first["conflicts"]) == [2, 3, 4]
    fields = {c["index"]: c["field"] for c in first["conflicts"]}
    assert fields[2] == "outcome" and fields[3] == "external_id"
    again = (await bj.post(path, {"items": items})).json()
    assert (again["created"], again["ignored"]) == (0, 3)
    items[0]["outcome"] = "fail"
    changed = (await bj.post(path, {"items": items[:1]})).json()
    assert changed["created"] == 0 and changed["conflicts"][0]["field"] == "external_id"
    assert (await bj.get(f"/inspection-sessions/{s['id']}")).json()["results"] == 3


async def test_personal_data_is_masked_and_provinces_are_kept_apart(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    bj = Client(http, inspection_service)
    sh = Client(http, inspection_service, "310000")
    s = await bj.session(campaign)
    name, phone = consumer(30)
    made = await bj.post(f"/inspection-sessions/{s['id']}/bookings", booking_body(30))
    booking = made.json()
    assert (booking["consumer_name"], booking["consumer_phone"]) == (name, phone)
    listed = (await bj.get(f"/inspection-sessions/{s['id']}/bookings")).json()["items"]
    assert [(b["consumer_name"], b["consumer_phone"]) for b in listed] == [
        (name[0] + "**", f"{phone[:3]}****{phone[-4:]}")
    ]
    hq = (await bj.get(f"/bookings/{booking['id']}", headers=auth("hq"))).json()
    assert hq["consumer_phone"] == f"{phone[:3]}****{phone[-4:]}" and hq["consumer_name"] != name
    admin = (await bj.get(f"/bookings/{booking['id']}", headers=auth("admin"))).json()
    assert admin["consumer_phone"] == phone

    assert (await sh.get(f"/inspection-sessions/{s['id']}")).status_code == 404
    assert (await sh.get(f"/bookings/{booking['id']}")).status_code == 404
    assert (
        await sh.post(f"/inspection-sessions/{s['id']}/bookings", booking_body(31))
    ).status_code == 404
    assert (await sh.post(f"/bookings/{booking['id']}/cancel")).status_code == 404
    theirs = (await sh.get("/inspection-sessions", params={"campaign": campaign})).json()
    assert theirs["items"] == []
    forged = await sh.post("/inspection-sessions", session_body(campaign, province=BJ))
    assert forged.status_code == 403

    for bad in ({"consumer_name": "张三3"}, {"consumer_phone": "12345"}, {"consumer_name": " "}):
        r = await bj.post(f"/inspection-sessions/{s['id']}/bookings", booking_body(32, **bad))
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] in ("consumer_name", "consumer_phone")
    server_owned = await bj.post(
        f"/inspection-sessions/{s['id']}/bookings", booking_body(33, status="confirmed")
    )
    assert server_owned.status_code == 422


async def test_session_lists_filter_and_page(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    bj = Client(http, inspection_service)
    for i in range(5):
        await bj.session(
            campaign,
            venue_name=f"第{i}小学",
            venue_type="campus",
            services=["consultation"] if i % 2 else ["testing"],
        )
    seen, cursor = [], None
    while True:
        params = {"campaign": campaign, "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await bj.get("/inspection-sessions", params=params)).json()
        seen += [s["venue_name"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"第{i}小学" for i in range(5)]
    testing = (
        await bj.get("/inspection-sessions", params={"campaign": campaign, "service": "testing"})
    ).json()
    assert len(testing["items"]) == 3
    too_many = await bj.get("/inspection-sessions", params={"limit": 501})
    assert too_many.status_code == 422


async def test_inspection_figures_reach_the_aggregator(
    http: httpx.AsyncClient,
    inspection_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    bj = Client(http, inspection_service)
    a = await bj.session(campaign, capacity=2, venue_type="campus")
    b = await bj.session(campaign, capacity=5)
    gone = await bj.session(campaign)
    for n in range(3):
        await bj.post(
            f"/inspection-sessions/{a['id']}/bookings", booking_body(40 + n, waitlist=True)
        )
    cancelled = (await bj.post(f"/inspection-sessions/{b['id']}/bookings", booking_body(50))).json()
    await bj.post(f"/bookings/{cancelled['id']}/cancel")
    await bj.post(f"/inspection-sessions/{gone['id']}/bookings", booking_body(51))
    await bj.post(f"/inspection-sessions/{gone['id']}/cancel", {"reason": "取消"})
    outcomes = [
        ("testing", "pass"),
        ("testing", "fail"),
        ("testing", "fail"),
        ("authentication", "counterfeit"),
        ("authentication", "genuine"),
    ]
    for i, (service, outcome) in enumerate(outcomes):
        r = await bj.post(
            f"/inspection-sessions/{b['id']}/results",
            {
                "product_category": "footwear",
                "service": service,
                "outcome": outcome,
                "external_id": f"F-{i}",
            },
        )
        assert r.status_code == 201, r.text

    expected = {
        "inspection_sessions": 2,
        "bookings_confirmed": 2,  # session a: 2 of 3 (one waits); b's was cancelled; gone's too
        "samples_tested": 3,
        "samples_failed": 2,
        "counterfeits_identified": 1,
        "consumers_served": 5,
    }

    async def figures() -> dict[str, Any]:
        r = await http.get(
            f"{aggregator.url}/v1/campaigns/{campaign}/statistics/{BJ}", headers=auth("hq")
        )
        return r.json()

    row = await eventually(
        figures,
        until=lambda r: {k: r["metrics"][k] for k in expected} == expected,
        what="the inspection figures in the aggregator",
    )
    assert row["by_venue_type"]["campus"]["bookings_confirmed"] == 2
    assert row["by_venue_type"]["community"]["samples_tested"] == 3


async def test_sessions_and_bookings_are_created_once(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    bj = Client(http, inspection_service)
    body = session_body(campaign, external_id="S-1")
    first, again = [await bj.post("/inspection-sessions", body) for _ in range(2)]
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = await bj.post(
        "/inspection-sessions", session_body(campaign, external_id="S-1", capacity=9)
    )
    assert changed.status_code == 409 and changed.json()["type"].endswith("external-id-conflict")

    path = f"/inspection-sessions/{first.json()['id']}/bookings"
    key = {"Idempotency-Key": f"{campaign}-b1"}
    made, repeat = [await bj.post(path, booking_body(60), headers=key) for _ in range(2)]
    assert (made.status_code, repeat.status_code) == (201, 200)
    assert made.json()["id"] == repeat.json()["id"]
    other_body = await bj.post(path, booking_body(61), headers=key)
    assert other_body.status_code == 409
    by_external = [await bj.post(path, booking_body(62, external_id="BK-1")) for _ in range(2)]
    assert [r.status_code for r in by_external] == [201, 200]
    view = (await bj.get(f"/inspection-sessions/{first.json()['id']}")).json()
    assert view["confirmed"] == 2  # the repeats took no place
