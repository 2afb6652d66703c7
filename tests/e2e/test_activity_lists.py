"""`GET /v1/activities`: filters, cursor pagination in a stable order, province scope."""

from __future__ import annotations

import httpx

from tests.conftest import auth
from tests.support.factories import activity_body, report_body
from tests.support.services import ServiceProcess


async def _all(http: httpx.AsyncClient, url: str, headers: dict, **params: object) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {**params, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await http.get(url, params=query, headers=headers)
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


async def test_filters_pages_and_scope(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities"
    bj, sh = auth("province", "110000"), auth("province", "310000")
    made = []
    for i, (kind, venue, day) in enumerate(
        [
            ("education", "community", "2019-09-02"),
            ("education", "campus", "2019-09-10"),
            ("seminar", "hospital", "2019-10-01"),
            ("education", "township", "2019-10-15"),
            ("launch_ceremony", "community", "2019-09-05"),
            ("education", "campus", "2019-11-20"),
            ("seminar", "community", "2019-11-25"),
        ]
    ):
        body = activity_body(
            campaign, kind=kind, venue_type=venue, scheduled_on=day, venue_name=f"场所{i}"
        )
        if kind != "education":
            body["formats"] = []
        made.append((await http.post(url, json=body, headers=bj)).json())
    await http.post(url, json=activity_body(campaign), headers=sh)
    await http.post(
        f"{url}/{made[0]['id']}/report", json=report_body(held_on="2019-09-02"), headers=bj
    )
    await http.post(f"{url}/{made[1]['id']}/cancel", json={}, headers=bj)

    everything = await _all(http, url, bj, campaign=campaign)
    assert [a["id"] for a in everything] == [a["id"] for a in made], (
        "stable creation order, own province only"
    )
    assert len(await _all(http, url, auth("hq"), campaign=campaign)) == 8
    assert {
        a["province"]
        for a in await _all(http, url, auth("hq"), campaign=campaign, province="310000")
    } == {"310000"}
    # a province asking for another province's list still sees only its own
    assert {
        a["province"] for a in await _all(http, url, bj, campaign=campaign, province="310000")
    } == {"110000"}

    def ids(items: list[dict]) -> set[str]:
        return {a["id"] for a in items}

    assert ids(await _all(http, url, bj, campaign=campaign, kind="seminar")) == {
        made[2]["id"],
        made[6]["id"],
    }
    assert ids(await _all(http, url, bj, campaign=campaign, venue_type="campus")) == {
        made[1]["id"],
        made[5]["id"],
    }
    assert ids(await _all(http, url, bj, campaign=campaign, status="completed")) == {made[0]["id"]}
    assert ids(await _all(http, url, bj, campaign=campaign, status="cancelled")) == {made[1]["id"]}
    october = await _all(
        http, url, bj, campaign=campaign, scheduled_from="2019-10-01", scheduled_to="2019-10-31"
    )
    assert ids(october) == {made[2]["id"], made[3]["id"]}

    bad = await http.get(url, params={"limit": 501}, headers=bj)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"
    assert (await http.get(url, params={"cursor": "garbage!"}, headers=bj)).status_code == 422
    assert (await http.get(url, params={"status": "done"}, headers=bj)).status_code == 422
