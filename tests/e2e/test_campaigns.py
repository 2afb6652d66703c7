"""Campaigns across the services: every create and every batch item of the four intake services
is refused for an unknown campaign (422 `unknown-campaign`) and for a date outside the
campaign's window (422 `outside-campaign`, the window in the message); a campaign that
headquarters defines while the services run is usable as soon as its event arrives; the
register stands across campaigns; and a campaign's statistics beside an earlier one's."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Any

import httpx
from openpyxl import load_workbook

from sanjin_events.api.workbooks import SHEET
from sanjin_risk_monitoring.api.workbooks import POINTS, REPORTS
from tests.conftest import auth
from tests.support.campaigns import CampaignTopic, define_campaign
from tests.support.expected import all_pages
from tests.support.factories import (
    activity_body,
    booking_body,
    point_body,
    report_body,
    risk_report_body,
    session_body,
    survey_body,
)
from tests.support.polling import eventually
from tests.support.services import ServiceProcess
from tests.support.workbooks import FIRST_ROW, fill, letter_of, upload

BJ = auth("province", "110000")
HQ = auth("hq")
ADMIN = auth("admin")
UNKNOWN = "urn:sanjin:problem:unknown-campaign"
OUTSIDE = "urn:sanjin:problem:outside-campaign"
ANSWERS = {"respondent_id": "uuid:x", "answers": {"q1": 4, "q2": 6}}
RESULT = {"product_category": "toys", "service": "testing", "outcome": "pass"}


def refused(r: httpx.Response, kind: str, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["type"] == kind, body
    assert body["errors"][0]["field"] == field, body
    if kind == OUTSIDE:
        assert " 至 " in body["detail"]  # the window, in the message


def item_refused(r: httpx.Response, kind: str, field: str) -> None:
    assert r.status_code == 200, r.text
    summary = r.json()
    assert summary["created"] == 0, summary
    assert [(c["index"], c["type"], c["field"]) for c in summary["conflicts"]] == [
        (0, kind, field)
    ], summary


async def test_every_create_and_batch_item_is_refused_outside_a_known_campaign(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    campaign: str,  # 2019-01-01 to 2019-12-31
) -> None:
    ev, risk = events_service.url, risk_service.url
    insp, srv = inspection_service.url, survey_service.url
    typo = f"2109-{uuid.uuid4().hex[:6]}"
    late = "2020-01-01"

    # events: activities, their import, their report
    r = await http.post(f"{ev}/v1/activities", json=activity_body(typo), headers=BJ)
    refused(r, UNKNOWN, "campaign")
    r = await http.post(
        f"{ev}/v1/activities", json=activity_body(campaign, scheduled_on=late), headers=BJ
    )
    refused(r, OUTSIDE, "scheduled_on")
    for body, kind, field in (
        (activity_body(typo), UNKNOWN, "campaign"),
        (activity_body(campaign, scheduled_on="2018-12-31"), OUTSIDE, "scheduled_on"),
    ):
        r = await http.post(
            f"{ev}/v1/activities:batch",
            json={"items": [body | {"external_id": uuid.uuid4().hex}]},
            headers=BJ,
        )
        item_refused(r, kind, field)
    activity = (
        await http.post(f"{ev}/v1/activities", json=activity_body(campaign), headers=BJ)
    ).json()
    r = await http.post(
        f"{ev}/v1/activities/{activity['id']}/report",
        json=report_body(held_on=late),
        headers=BJ,
    )
    refused(r, OUTSIDE, "held_on")

    # risk monitoring: points (set up before the campaign is fine, after its end is not),
    # reports and their import
    r = await http.post(f"{risk}/v1/monitoring-points", json=point_body(typo), headers=BJ)
    refused(r, UNKNOWN, "campaign")
    r = await http.post(
        f"{risk}/v1/monitoring-points", json=point_body(campaign, established_on=late), headers=BJ
    )
    refused(r, OUTSIDE, "established_on")
    point = await http.post(
        f"{risk}/v1/monitoring-points",
        json=point_body(campaign, established_on="2017-03-01"),
        headers=BJ,
    )
    assert point.status_code == 201, point.text
    pid = point.json()["id"]
    r = await http.post(f"{risk}/v1/risk-reports", json=risk_report_body(pid, typo), headers=BJ)
    refused(r, UNKNOWN, "campaign")
    r = await http.post(
        f"{risk}/v1/risk-reports",
        json=risk_report_body(pid, campaign, occurred_on="2018-06-01"),
        headers=BJ,
    )
    refused(r, OUTSIDE, "occurred_on")
    for body, kind, field in (
        (risk_report_body(pid, typo), UNKNOWN, "campaign"),
        (risk_report_body(pid, campaign, occurred_on=late), OUTSIDE, "occurred_on"),
    ):
        r = await http.post(
            f"{risk}/v1/risk-reports:batch",
            json={"items": [body | {"external_id": uuid.uuid4().hex}]},
            headers=BJ,
        )
        item_refused(r, kind, field)

    # inspection sessions, surveys
    r = await http.post(f"{insp}/v1/inspection-sessions", json=session_body(typo), headers=BJ)
    refused(r, UNKNOWN, "campaign")
    r = await http.post(
        f"{insp}/v1/inspection-sessions", json=session_body(campaign, date=late), headers=BJ
    )
    refused(r, OUTSIDE, "date")
    r = await http.post(f"{srv}/v1/surveys", json=survey_body(typo), headers=BJ)
    refused(r, UNKNOWN, "campaign")
    r = await http.post(
        f"{srv}/v1/surveys", json=survey_body(campaign, opens_on="2018-12-31"), headers=BJ
    )
    refused(r, OUTSIDE, "opens_on")


async def test_bookings_results_and_responses_follow_their_parents_campaign(
    http: httpx.AsyncClient,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    campaign_topic: CampaignTopic,
) -> None:
    """A booking, a result or a response is dated by its session or survey: when headquarters
    moves the campaign so that the parent falls outside it, they are refused (and so is every
    item of their imports)."""
    insp, srv = inspection_service.url, survey_service.url
    name = f"2019-moved-{uuid.uuid4().hex[:6]}"
    await campaign_topic.define(name, date(2019, 9, 1), date(2019, 11, 30))
    session = (
        await http.post(f"{insp}/v1/inspection-sessions", json=session_body(name), headers=BJ)
    ).json()
    survey = (await http.post(f"{srv}/v1/surveys", json=survey_body(name), headers=BJ)).json()
    booked = await http.post(
        f"{insp}/v1/inspection-sessions/{session['id']}/bookings",
        json=booking_body(801),
        headers=BJ,
    )
    assert booked.status_code == 201, booked.text

    # the campaign now starts on 1 October: the session (20 September) and the survey's opening
    # (1 September) fall outside it
    await campaign_topic.define(name, date(2019, 10, 1), date(2019, 11, 30), version=2)
    sid, vid = session["id"], survey["id"]
    booking = await eventually(
        lambda: http.post(
            f"{insp}/v1/inspection-sessions/{sid}/bookings", json=booking_body(802), headers=BJ
        ),
        until=lambda r: r.status_code == 422,
        what="the moved campaign reaching the inspection service",
    )
    refused(booking, OUTSIDE, "date")
    r = await http.post(f"{insp}/v1/inspection-sessions/{sid}/results", json=RESULT, headers=BJ)
    refused(r, OUTSIDE, "date")
    r = await http.post(
        f"{insp}/v1/inspection-sessions/{sid}/results:batch",
        json={"items": [RESULT | {"external_id": uuid.uuid4().hex}]},
        headers=BJ,
    )
    refused(r, OUTSIDE, "date")
    response = await eventually(
        lambda: http.post(f"{srv}/v1/surveys/{vid}/responses", json=ANSWERS, headers=BJ),
        until=lambda r: r.status_code == 422,
        what="the moved campaign reaching the survey service",
    )
    refused(response, OUTSIDE, "opens_on")
    r = await http.post(
        f"{srv}/v1/surveys/{vid}/responses:batch", json={"items": [ANSWERS]}, headers=BJ
    )
    refused(r, OUTSIDE, "opens_on")
    # and their workbooks: every row is dated by the same session or survey
    for template, imported in (
        (
            f"{insp}/v1/inspection-results/template.xlsx",
            f"{insp}/v1/inspection-sessions/{sid}/results:import",
        ),
        (
            f"{srv}/v1/surveys/{vid}/responses/template.xlsx",
            f"{srv}/v1/surveys/{vid}/responses:import",
        ),
    ):
        blank = await http.get(template, headers=BJ)
        assert blank.status_code == 200, blank.text
        r = await http.post(imported, files=upload(blank.content), headers=BJ)
        refused(r, OUTSIDE, "date" if "inspection" in imported else "opens_on")


async def test_a_campaign_defined_while_the_services_run_is_usable_without_a_restart(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    aggregator: ServiceProcess,
) -> None:
    name = f"2031-{uuid.uuid4().hex[:6]}"
    creates = {
        "activity": (
            f"{events_service.url}/v1/activities",
            activity_body(name, scheduled_on="2031-09-15"),
        ),
        "point": (  # set up already (not in the future), registered in the coming campaign
            f"{risk_service.url}/v1/monitoring-points",
            point_body(name, established_on="2026-01-01", name=f"点{uuid.uuid4()}"),
        ),
        "session": (
            f"{inspection_service.url}/v1/inspection-sessions",
            session_body(name, date="2031-09-20"),
        ),
        "survey": (
            f"{survey_service.url}/v1/surveys",
            survey_body(name, opens_on="2031-09-01"),
        ),
    }
    for url, body in creates.values():
        refused(await http.post(url, json=body, headers=BJ), UNKNOWN, "campaign")
    window = {
        "starts_on": "2031-09-01",
        "ends_on": "2031-11-30",
        "report_deadline": "2031-12-10T17:00:00+08:00",
    }
    defined = await http.put(f"{aggregator.url}/v1/campaigns/{name}", json=window, headers=ADMIN)
    assert defined.status_code == 201, defined.text
    made = {}
    for kind, (url, body) in creates.items():
        created = await eventually(
            lambda url=url, body=body: http.post(url, json=body, headers=BJ),
            until=lambda r: r.status_code == 201,
            timeout_s=30,
            what=f"a {kind} in the campaign defined a moment ago",
        )
        assert created.json()["campaign"] == name
        made[kind] = created.json()["id"]
    # the aggregator's own read models know it too: the point stands in its register
    await eventually(
        lambda: all_pages(http, f"{aggregator.url}/v1/campaigns/{name}/monitoring-points", HQ),
        until=lambda rows: any(p["id"] == made["point"] for p in rows),
        what="the new campaign's register",
    )


async def _activities(
    http: httpx.AsyncClient, url: str, campaign: str, day: str, participants: list[int]
) -> None:
    for n in participants:
        a = (
            await http.post(
                f"{url}/v1/activities",
                json=activity_body(campaign, scheduled_on=day, venue_name=f"社区{uuid.uuid4()}"),
                headers=BJ,
            )
        ).json()
        r = await http.post(
            f"{url}/v1/activities/{a['id']}/report",
            json=report_body(held_on=day, participants=n),
            headers=BJ,
        )
        assert r.status_code == 200, r.text


async def test_year_over_year_and_the_register_across_campaigns(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign_topic: CampaignTopic,
    campaign: str,  # 2019
) -> None:
    earlier = f"2018-{uuid.uuid4().hex[:6]}"
    await campaign_topic.define(earlier, date(2018, 1, 1), date(2018, 12, 31))
    await _activities(http, events_service.url, earlier, "2018-09-15", [100, 100])
    await _activities(http, events_service.url, campaign, "2019-09-15", [100, 150, 50])
    # a point registered in 2018 and evaluated in 2019 stands in the 2019 register
    point = (
        await http.post(
            f"{risk_service.url}/v1/monitoring-points",
            json=point_body(earlier, established_on="2018-05-01", name=f"点{uuid.uuid4()}"),
            headers=BJ,
        )
    ).json()
    for day, score in (("2018-10-01", 70), ("2019-10-01", 90), ("2019-10-08", 95)):
        r = await http.post(
            f"{risk_service.url}/v1/monitoring-points/{point['id']}/evaluations",
            json={"evaluated_on": day, "score": score, "evaluator": "评估组", "findings": "好"},
            headers=BJ,
        )
        assert r.status_code == 200, r.text

    url = f"{aggregator.url}/v1/campaigns/{campaign}/statistics/compare"

    def beijing(r: httpx.Response) -> dict[str, Any]:
        return next(u for u in r.json()["units"] if u["province"] == "110000")["metrics"]

    compared = await eventually(
        lambda: http.get(url, params={"with": earlier}, headers=HQ),
        until=lambda r: (
            r.status_code == 200
            and beijing(r)["participants"]["current"] == 300
            and beijing(r)["participants"]["earlier"] == 200
        ),
        what="both campaigns' figures",
    )
    assert beijing(compared)["participants"] == {
        "current": 300,
        "earlier": 200,
        "change": 100,
        "percent": 50.0,
    }
    assert beijing(compared)["education_activities"]["change"] == 1
    total = compared.json()["units"][-1]
    assert total["province"] is None and total["name"] == "合计"
    assert (await http.get(url, params={"with": earlier}, headers=BJ)).status_code == 403
    later = await http.get(
        f"{aggregator.url}/v1/campaigns/{earlier}/statistics/compare",
        params={"with": campaign},
        headers=HQ,
    )
    assert later.status_code == 422, later.text  # compared with a later campaign

    xlsx = await http.get(f"{url}.xlsx", params={"with": earlier}, headers=HQ)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["填报单位", "指标", f"{campaign}年", f"{earlier}年", "增减", "增减幅度(%)"]
    assert ["北京市", "参与人数(人次)", 300, 200, 100, 50] in rows

    def row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((p for p in rows if p["id"] == point["id"]), None)

    for c, evaluations, latest in ((campaign, 2, 95), (earlier, 1, 70)):
        listed = await eventually(
            lambda c=c: all_pages(http, f"{aggregator.url}/v1/campaigns/{c}/monitoring-points", HQ),
            until=lambda r, evaluations=evaluations: (
                (row(r) or {}).get("evaluations") == evaluations
            ),
            what=f"the point in the register of {c}",
        )
        assert row(listed)["latest_score"] == latest  # type: ignore[index]


async def test_workbook_rows_follow_the_campaign_rule(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    """An imported workbook's rows are refused at their row, as `:batch` items are."""
    url = events_service.url
    template = (await http.get(f"{url}/v1/activities/template.xlsx", headers=BJ)).content
    tag = uuid.uuid4().hex[:6]
    rows: list[tuple[dict[str, Any], dict[str, Any] | None]] = [
        (activity_body(campaign, external_id=f"W{tag}-1", venue_name="甲社区"), None),
        (activity_body(f"2109-{tag}", external_id=f"W{tag}-2"), None),
        (activity_body(campaign, scheduled_on="2020-01-01", external_id=f"W{tag}-3"), None),
        (
            activity_body(campaign, external_id=f"W{tag}-4", venue_name="乙社区"),
            report_body(held_on="2020-01-02"),
        ),
    ]
    r = await http.post(
        f"{url}/v1/activities:import", files=upload(fill(template, SHEET, rows)), headers=BJ
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["created"], answer["rejected"]) == (1, 3), answer
    errors = {e["row"]: e for e in answer["errors"]}
    assert sorted(errors) == [FIRST_ROW + 1, FIRST_ROW + 2, FIRST_ROW + 3]
    assert errors[FIRST_ROW + 1]["column"] == letter_of(SHEET, "campaign")
    assert "不存在" in errors[FIRST_ROW + 1]["message"]
    assert errors[FIRST_ROW + 2]["column"] == letter_of(SHEET, "scheduled_on")
    assert "不在活动批次" in errors[FIRST_ROW + 3]["message"]


async def test_points_and_risk_reports_workbook_rows_follow_the_campaign_rule(
    http: httpx.AsyncClient, risk_service: ServiceProcess, campaign: str
) -> None:
    """The rows of the register's and the risk reports' workbooks, as their `POST`s."""
    url, tag = risk_service.url, uuid.uuid4().hex[:6]
    template = (await http.get(f"{url}/v1/monitoring-points/template.xlsx", headers=BJ)).content
    points = [
        (point_body(campaign, external_id=f"P{tag}-1", name=f"甲{tag}"),),
        (point_body(f"2109-{tag}", external_id=f"P{tag}-2", name=f"乙{tag}"),),
        (point_body(campaign, established_on="2020-01-01", external_id=f"P{tag}-3"),),
        (point_body(campaign, established_on="2016-05-01", external_id=f"P{tag}-4"),),
    ]
    r = await http.post(
        f"{url}/v1/monitoring-points:import",
        files=upload(fill(template, POINTS, points)),
        headers=BJ,
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["created"], answer["rejected"]) == (2, 2), answer  # set up earlier is fine
    errors = {e["row"]: e for e in answer["errors"]}
    assert sorted(errors) == [FIRST_ROW + 1, FIRST_ROW + 2]
    assert errors[FIRST_ROW + 1]["column"] == letter_of(POINTS, "campaign")
    assert errors[FIRST_ROW + 2]["column"] == letter_of(POINTS, "established_on")
    assert "不在活动批次" in errors[FIRST_ROW + 2]["message"]

    template = (await http.get(f"{url}/v1/risk-reports/template.xlsx", headers=BJ)).content
    reports = [
        (risk_report_body(f"P{tag}-1", campaign, external_id=f"R{tag}-1"),),
        (risk_report_body(f"P{tag}-1", f"2109-{tag}", external_id=f"R{tag}-2"),),
        (
            risk_report_body(
                f"P{tag}-1", campaign, occurred_on="2018-12-31", external_id=f"R{tag}-3"
            ),
        ),
    ]
    r = await http.post(
        f"{url}/v1/risk-reports:import", files=upload(fill(template, REPORTS, reports)), headers=BJ
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["created"], answer["rejected"]) == (1, 2), answer
    errors = {e["row"]: e for e in answer["errors"]}
    assert errors[FIRST_ROW + 1]["column"] == letter_of(REPORTS, "campaign")
    assert errors[FIRST_ROW + 2]["column"] == letter_of(REPORTS, "occurred_on")


async def test_changes_keep_a_record_in_its_campaign_and_an_evaluation_needs_one(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    aggregator: ServiceProcess,
) -> None:
    """A change may move a record's date only inside its campaign's window (a point's set-up
    day may still lie before it); a point's evaluation belongs to the campaign whose window
    holds its date, so one dated in no campaign is refused. The campaign is defined while the
    services run, through the aggregator, with the tests' helper."""
    risk, insp, srv = risk_service.url, inspection_service.url, survey_service.url
    name = f"2023-{uuid.uuid4().hex[:6]}"
    await define_campaign(
        http,
        aggregator=aggregator.url,
        intake=[events_service.url, risk, insp, srv],
        headers=ADMIN,
        name=name,
        starts_on=date(2023, 9, 1),
        ends_on=date(2023, 11, 30),
    )
    # the helper's promise: every intake service accepts the campaign at once
    known = await http.get(f"{events_service.url}/v1/campaigns/{name}", headers=BJ)
    assert known.json() == {"campaign": name, "starts_on": "2023-09-01", "ends_on": "2023-11-30"}
    unknown = await http.get(f"{risk}/v1/campaigns/2109-{uuid.uuid4().hex[:6]}", headers=BJ)
    assert unknown.status_code == 404, unknown.text

    point = await http.post(
        f"{risk}/v1/monitoring-points",
        json=point_body(name, established_on="2023-09-05", name=f"点{uuid.uuid4()}"),
        headers=BJ,
    )
    assert point.status_code == 201, point.text
    pid = point.json()["id"]
    r = await http.patch(
        f"{risk}/v1/monitoring-points/{pid}", json={"established_on": "2023-12-01"}, headers=BJ
    )
    refused(r, OUTSIDE, "established_on")
    r = await http.patch(
        f"{risk}/v1/monitoring-points/{pid}", json={"established_on": "2023-03-01"}, headers=BJ
    )
    assert r.status_code == 200 and r.json()["established_on"] == "2023-03-01", r.text

    def evaluation(day: str) -> dict[str, Any]:
        return {"evaluated_on": day, "score": 88, "evaluator": "评估组", "findings": ""}

    r = await http.post(
        f"{risk}/v1/monitoring-points/{pid}/evaluations", json=evaluation("2023-06-01"), headers=BJ
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["type"] == "urn:sanjin:problem:outside-every-campaign", problem
    assert problem["errors"][0]["field"] == "evaluated_on"
    assert f"{name}: 2023-09-01 至 2023-11-30" in problem["detail"]
    r = await http.post(
        f"{risk}/v1/monitoring-points/{pid}/evaluations", json=evaluation("2023-10-01"), headers=BJ
    )
    assert r.status_code == 200, r.text

    session = await http.post(
        f"{insp}/v1/inspection-sessions", json=session_body(name, date="2023-09-20"), headers=BJ
    )
    assert session.status_code == 201, session.text
    sid = session.json()["id"]
    r = await http.patch(
        f"{insp}/v1/inspection-sessions/{sid}", json={"date": "2023-12-01"}, headers=BJ
    )
    refused(r, OUTSIDE, "date")
    r = await http.patch(
        f"{insp}/v1/inspection-sessions/{sid}", json={"date": "2023-10-01"}, headers=BJ
    )
    assert r.status_code == 200 and r.json()["date"] == "2023-10-01", r.text

    survey = await http.post(
        f"{srv}/v1/surveys", json=survey_body(name, opens_on="2023-09-01"), headers=BJ
    )
    assert survey.status_code == 201, survey.text
    vid = survey.json()["id"]
    r = await http.patch(f"{srv}/v1/surveys/{vid}", json={"opens_on": "2023-08-31"}, headers=BJ)
    refused(r, OUTSIDE, "opens_on")
    r = await http.patch(f"{srv}/v1/surveys/{vid}", json={"opens_on": "2023-09-10"}, headers=BJ)
    assert r.status_code == 200 and r.json()["opens_on"] == "2023-09-10", r.text
