"""survey over HTTP: publishing, ODK-style responses, the index with its interval, the
aggregator's response-weighted national index."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from tests.conftest import auth
from tests.support.campaigns import CampaignTopic
from tests.support.factories import QUESTIONS, survey_body
from tests.support.polling import eventually
from tests.support.services import ServiceProcess


async def test_survey_responses_results_and_the_national_index(
    http: httpx.AsyncClient,
    survey_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    url = f"{survey_service.url}/v1/surveys"
    bj, gd = auth("province", "110000"), auth("province", "440000")
    s1 = (await http.post(url, json=survey_body(campaign), headers=bj)).json()
    s2 = (
        await http.post(url, json=survey_body(campaign, product_category="toys"), headers=gd)
    ).json()
    assert s1["status"] == "open"

    # 62.5 and 83.33 (optional q3 unanswered) in Beijing; 100 in Guangdong (by hand)
    r1 = await http.post(
        f"{url}/{s1['id']}/responses",
        json={
            "respondent_id": "uuid:a1",
            "answers": {"q1": 4, "q2": 7, "q3": 1},
            "channel": "paper",
        },
        headers=bj,
    )
    assert r1.status_code == 201 and r1.json()["index"] == pytest.approx(62.5)
    again = await http.post(
        f"{url}/{s1['id']}/responses",
        json={"respondent_id": "uuid:a1", "answers": {"q1": 4, "q2": 7, "q3": 1}},
        headers=bj,
    )
    assert again.status_code == 200 and again.json()["id"] == r1.json()["id"]
    changed = await http.post(
        f"{url}/{s1['id']}/responses",
        json={"respondent_id": "uuid:a1", "answers": {"q1": 5, "q2": 7}},
        headers=bj,
    )
    assert changed.status_code == 409
    await http.post(
        f"{url}/{s1['id']}/responses",
        json={"respondent_id": "uuid:a2", "answers": {"q1": 4, "q2": 7}},
        headers=bj,
    )
    await http.post(
        f"{url}/{s2['id']}/responses",
        json={"respondent_id": "uuid:b1", "answers": {"q1": 5, "q2": 7, "q3": 10}},
        headers=gd,
    )

    for bad, field in [
        ({"q1": 6, "q2": 7}, "answers.q1"),  # outside the 5-point scale
        ({"q1": 3, "q2": 7, "q9": 2}, "answers.q9"),  # unknown question
        ({"q2": 7}, "answers.q1"),  # a required question missing
    ]:
        r = await http.post(
            f"{url}/{s1['id']}/responses",
            json={"respondent_id": f"x-{field}", "answers": bad},
            headers=bj,
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text

    results = (await http.get(f"{url}/{s1['id']}/results", headers=bj)).json()
    assert results["responses"] == 2
    assert results["satisfaction_index"] == pytest.approx(round((62.5 + 250 / 3) / 2, 2))
    assert results["unstable"] is True  # n < 20
    assert results["by_dimension"]["quality"]["satisfaction_index"] == pytest.approx(75.0)
    assert results["by_dimension"]["labelling"]["responses"] == 1

    edit = await http.patch(f"{url}/{s1['id']}", json={"questions": QUESTIONS[:2]}, headers=bj)
    assert edit.status_code == 409  # questions are fixed once responses exist
    assert (
        await http.patch(f"{url}/{s1['id']}", json={"title": "新标题"}, headers=bj)
    ).status_code == 200
    assert (await http.post(f"{url}/{s1['id']}/close", headers=bj)).json()["status"] == "closed"
    closed = await http.post(
        f"{url}/{s1['id']}/responses",
        json={"respondent_id": "late", "answers": {"q1": 3, "q2": 3}},
        headers=bj,
    )
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    assert (await http.get(f"{url}/{s1['id']}", headers=gd)).status_code == 404

    table = await eventually(
        lambda: http.get(
            f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq")
        ),
        until=lambda r: r.json()["totals"]["survey_responses"] == 3,
        what="the responses in the statistics",
    )
    totals = table.json()["totals"]
    assert totals["surveys"] == 2
    # the national index is the mean over all responses, not the mean of the provinces' indices
    assert totals["satisfaction_index"] == pytest.approx(round((62.5 + 250 / 3 + 100) / 3, 2))
    beijing = next(p for p in table.json()["provinces"] if p["province"] == "110000")
    assert beijing["metrics"]["satisfaction_index"] == pytest.approx(round((62.5 + 250 / 3) / 2, 2))
    tibet = next(p for p in table.json()["provinces"] if p["province"] == "540000")
    assert tibet["metrics"]["satisfaction_index"] is None


async def test_not_yet_open_and_offline_batches(
    http: httpx.AsyncClient,
    survey_service: ServiceProcess,
    campaign: str,
    campaign_topic: CampaignTopic,
) -> None:
    url = f"{survey_service.url}/v1/surveys"
    bj = auth("province", "110000")
    future = f"2099-{campaign}"  # a campaign of its own, in the future
    await campaign_topic.define(future, date(2099, 1, 1), date(2099, 12, 31))
    later = (
        await http.post(url, json=survey_body(future, opens_on="2099-01-01"), headers=bj)
    ).json()
    early = await http.post(
        f"{url}/{later['id']}/responses",
        json={"respondent_id": "r", "answers": {"q1": 3, "q2": 3}},
        headers=bj,
    )
    assert early.status_code == 409 and "opens on 2099-01-01" in early.json()["detail"]
    bad_scale = await http.post(
        url, json=survey_body(campaign, questions=[{**QUESTIONS[0], "scale_max": 6}]), headers=bj
    )
    assert (
        bad_scale.status_code == 422
        and bad_scale.json()["errors"][0]["field"] == "questions[0].scale_max"
    )

    survey = (await http.post(url, json=survey_body(campaign), headers=bj)).json()
    items = [
        {"respondent_id": f"paper-{i}", "answers": {"q1": 1 + i % 5, "q2": 1 + i % 7}}
        for i in range(30)
    ]
    items[4]["answers"]["q1"] = 9
    items.append(dict(items[0]))  # the same form twice in one upload
    batch = (
        await http.post(f"{url}/{survey['id']}/responses:batch", json={"items": items}, headers=bj)
    ).json()
    assert (batch["created"], batch["ignored"]) == (29, 1)
    assert [(c["index"], c["field"]) for c in batch["conflicts"]] == [(4, "answers.q1")]
    results = (await http.get(f"{url}/{survey['id']}/results", headers=bj)).json()
    assert results["responses"] == 29
    assert results["ci95"][0] < results["satisfaction_index"] < results["ci95"][1]


async def test_survey_lists_and_create_once(
    http: httpx.AsyncClient, survey_service: ServiceProcess, campaign: str
) -> None:
    url = f"{survey_service.url}/v1/surveys"
    bj = {**auth("province", "110000"), "Idempotency-Key": f"sv-{campaign}"}
    one = await http.post(url, json=survey_body(campaign), headers=bj)
    two = await http.post(url, json=survey_body(campaign), headers=bj)
    assert (one.status_code, two.status_code) == (201, 200) and one.json()["id"] == two.json()["id"]
    assert (
        await http.post(url, json=survey_body(campaign, title="另一个"), headers=bj)
    ).status_code == 409
    await http.post(
        url, json=survey_body(campaign, product_category="toys"), headers=auth("province", "330000")
    )
    await http.post(f"{url}/{one.json()['id']}/close", headers=auth("province", "110000"))

    async def titles(headers: dict, **params: object) -> list[str]:
        r = await http.get(url, params={"campaign": campaign, **params}, headers=headers)
        assert r.status_code == 200, r.text
        return [(s["province"], s["status"]) for s in r.json()["items"]]

    assert await titles(auth("hq")) == [("110000", "closed"), ("330000", "open")]
    assert await titles(auth("province", "110000")) == [("110000", "closed")]
    assert await titles(auth("hq"), status="open") == [("330000", "open")]
    assert await titles(auth("hq"), product_category="toys") == [("330000", "open")]
