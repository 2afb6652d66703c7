"""`POST /v1/activities:batch`: per-item validation, the import summary, dry runs, re-sent files."""

from __future__ import annotations

import httpx

from tests.conftest import auth
from tests.support.factories import activity_body
from tests.support.services import ServiceProcess

BAD = {
    7: ("kind", {"kind": "banquet"}),
    99: ("participants", {"participants": 5}),  # unknown field
    150: ("scheduled_on", {"scheduled_on": "2019-02-30"}),
    230: ("venue_type", {"venue_type": "hospital"}),  # education is not held in hospitals
    310: ("formats", {"kind": "seminar", "venue_type": "hospital"}),  # formats on a seminar
    404: ("title", {"title": "   "}),
    512: ("external_id", {"external_id": None}),
    600: ("province", {"province": "120000"}),  # another province
    777: ("scheduled_on", {"scheduled_on": "2020-09-01"}),  # outside the campaign year
    999: ("city", {"city": "x" * 101}),
}


def file_of(campaign: str, n: int = 1000) -> list[dict]:
    items = []
    for i in range(n):
        item = activity_body(campaign, venue_name=f"社区{i}", external_id=f"BJ-{campaign}-{i:04d}")
        if i in BAD:
            item.update(BAD[i][1])
        items.append(item)
    return items


async def test_a_file_of_1000_with_10_bad_items_creates_990_and_names_the_bad_ones(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities:batch"
    headers = auth("province", "110000")
    items = file_of(campaign)

    dry = await http.post(url, params={"dry_run": "true"}, json={"items": items}, headers=headers)
    assert dry.status_code == 200, dry.text
    assert (dry.json()["dry_run"], dry.json()["created"], len(dry.json()["conflicts"])) == (
        True,
        990,
        10,
    )
    listed = await http.get(
        f"{events_service.url}/v1/activities", params={"campaign": campaign}, headers=headers
    )
    assert listed.json()["items"] == [], "a dry run writes nothing"

    first = await http.post(url, json={"items": items}, headers=headers)
    assert first.status_code == 200, first.text
    summary = first.json()
    assert (summary["created"], summary["updated"], summary["ignored"]) == (990, 0, 0)
    assert {c["index"]: c["field"] for c in summary["conflicts"]} == {
        i: f for i, (f, _) in BAD.items()
    }
    assert all(c["detail"] for c in summary["conflicts"])
    assert len(summary["items"]) == 1000
    assert all(r["id"] for r in summary["items"] if r["status"] == "created")

    again = (await http.post(url, json={"items": items}, headers=headers)).json()
    assert (again["created"], again["updated"], again["ignored"], len(again["conflicts"])) == (
        0,
        0,
        990,
        10,
    )
    created_ids = {r["index"]: r["id"] for r in summary["items"] if r["id"]}
    assert {r["index"]: r["id"] for r in again["items"] if r["id"]} == created_ids

    total, cursor = 0, None
    while True:
        params = {"campaign": campaign, "limit": 500, **({"cursor": cursor} if cursor else {})}
        page = (
            await http.get(f"{events_service.url}/v1/activities", params=params, headers=headers)
        ).json()
        total += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert total == 990


async def test_a_changed_item_updates_the_activity_and_duplicates_in_a_file_are_named(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = f"{events_service.url}/v1/activities:batch"
    headers = auth("province", "110000")
    items = file_of(campaign, 3)
    created = (await http.post(url, json={"items": items}, headers=headers)).json()
    assert created["created"] == 3
    items[1]["title"] = "改期后的活动"
    duplicate = {**items[2], "title": "同一编号另一内容"}
    result = (await http.post(url, json={"items": [*items, duplicate]}, headers=headers)).json()
    assert (result["created"], result["updated"], result["ignored"]) == (0, 1, 2)
    assert [(c["index"], c["field"]) for c in result["conflicts"]] == [(3, "external_id")]
    activity_id = created["items"][1]["id"]
    stored = (
        await http.get(f"{events_service.url}/v1/activities/{activity_id}", headers=headers)
    ).json()
    assert stored["title"] == "改期后的活动"
    assert stored["version"] == 2


async def test_a_batch_over_1000_items_is_refused_whole(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    response = await http.post(
        f"{events_service.url}/v1/activities:batch",
        json={"items": file_of(campaign, 1001)},
        headers=auth("province", "110000"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items"


async def test_an_unknown_field_in_the_envelope_is_refused_and_nothing_is_written(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    """`dry_run` belongs in the query: in the body it was ignored and the file committed."""
    headers = auth("province", "110000")
    items = file_of(campaign, 3)
    refused = await http.post(
        f"{events_service.url}/v1/activities:batch",
        json={"items": items, "dry_run": True},
        headers=headers,
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:sanjin:problem:validation-error"
    assert [e["field"] for e in problem["errors"]] == ["dry_run"]
    assert "dry_run" in problem["detail"]
    listed = await http.get(
        f"{events_service.url}/v1/activities", params={"campaign": campaign}, headers=headers
    )
    assert listed.json()["items"] == [], "a refused envelope writes nothing"
