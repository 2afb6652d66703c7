"""End to end across all five services: a campaign's worth of records of every kind in several
provinces, written through the four intake APIs, gives in the aggregator exactly the statistics
computed here from the records themselves (read back through the intake services' lists); a
replay of the topics then yields the identical view."""

from __future__ import annotations

import random
from typing import Any

import httpx

from sanjin_aggregator.domain.metrics import COUNT_METRICS
from sanjin_aggregator.domain.register import POINT_METRICS
from sanjin_shared.reference import PROVINCES as REFERENCE_PROVINCES
from tests.conftest import World, auth
from tests.support.expected import statistics_from_records
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
from tests.support.replay import run_replay
from tests.support.services import ServiceProcess

PROVINCES = ["110000", "320000", "440000", "540000", "650000", "660000"]
ALL_UNITS = list(REFERENCE_PROVINCES)
HQ = auth("hq")
SEVERITIES = ["none", "minor", "moderate", "severe", "fatal"]
OUTCOMES = [
    ("testing", "pass"),
    ("testing", "fail"),
    ("authentication", "counterfeit"),
    ("authentication", "genuine"),
    ("consultation", "served"),
]


async def _write(
    http: httpx.AsyncClient, urls: dict[str, str], campaign: str, rng: random.Random
) -> None:
    for n, province in enumerate(PROVINCES):
        h = auth("province", province)
        # activities: reported, corrected, cancelled, left scheduled; venues repeat
        for i in range(4):
            kind = ["education", "seminar", "launch_ceremony", "education"][i]
            venue = rng.choice(["和平社区", "和平 社区", "实验小学", "城关镇"])
            venue_type = {"实验小学": "campus", "城关镇": "township"}.get(venue, "community")
            a = (
                await http.post(
                    f"{urls['events']}/v1/activities",
                    json=activity_body(
                        campaign,
                        kind=kind,
                        venue_name=venue,
                        venue_type=venue_type,
                        formats=["materials"] if kind == "education" else [],
                    ),
                    headers=h,
                )
            ).json()
            if i == 3:
                continue  # still scheduled: counts nowhere
            figures = {
                "participants": rng.randint(10, 500),
                "materials_distributed": rng.randint(0, 900),
            }
            if kind == "seminar":
                figures["recommendations"] = ["建立联络员制度", "定期评估监测点"][
                    : rng.randint(1, 2)
                ]
            r = await http.post(
                f"{urls['events']}/v1/activities/{a['id']}/report",
                json=report_body(**figures),
                headers=h,
            )
            assert r.status_code == 200, r.text
            if i == 0:
                await http.post(
                    f"{urls['events']}/v1/activities/{a['id']}/report",
                    json=report_body(participants=figures["participants"] + 7),
                    headers=h,
                )
            if i == 2 and n % 2:
                await http.post(
                    f"{urls['events']}/v1/activities/{a['id']}/cancel",
                    json={"reason": "天气"},
                    headers=h,
                )
        # monitoring points and risk reports
        points = []
        for i in range(2):
            p = (
                await http.post(
                    f"{urls['risk']}/v1/monitoring-points",
                    json=point_body(
                        campaign, name=f"监测点{i}", venue_type=["hospital", "campus"][i]
                    ),
                    headers=h,
                )
            ).json()
            points.append(p)
        await http.post(
            f"{urls['risk']}/v1/monitoring-points/{points[0]['id']}/evaluations",
            json={"evaluated_on": "2019-10-01", "score": 88, "evaluator": "专家组", "findings": ""},
            headers=h,
        )
        for i in range(3):
            severity = rng.choice(SEVERITIES)
            r = await http.post(
                f"{urls['risk']}/v1/risk-reports",
                json=risk_report_body(
                    points[1]["id"],
                    campaign,
                    brand=f"B{n}{i}",
                    severity=severity,
                    victim_age=rng.choice([5, 30]),
                    injured=severity == "fatal" or rng.random() < 0.5,
                ),
                headers=h,
            )
            assert r.status_code == 201, r.text
        await http.post(
            f"{urls['risk']}/v1/monitoring-points/{points[1]['id']}/deactivate",
            json={"reason": "撤并"},
            headers=h,
        )
        # inspection: a full session, a waitlist, a cancellation that promotes, results
        s = (
            await http.post(
                f"{urls['inspection']}/v1/inspection-sessions",
                json=session_body(
                    campaign, services=["testing", "authentication", "consultation"], capacity=2
                ),
                headers=h,
            )
        ).json()
        booked = [
            (
                await http.post(
                    f"{urls['inspection']}/v1/inspection-sessions/{s['id']}/bookings",
                    json=booking_body(5000 + 10 * n + k, waitlist=True),
                    headers=h,
                )
            ).json()
            for k in range(3)
        ]
        await http.post(f"{urls['inspection']}/v1/bookings/{booked[0]['id']}/cancel", headers=h)
        for k in range(rng.randint(1, 4)):
            service, outcome = rng.choice(OUTCOMES)
            r = await http.post(
                f"{urls['inspection']}/v1/inspection-sessions/{s['id']}/results",
                json={
                    "product_category": "toys",
                    "service": service,
                    "outcome": outcome,
                    "external_id": f"R{k}",
                },
                headers=h,
            )
            assert r.status_code == 201, r.text
        # a satisfaction survey and its responses
        sv = (
            await http.post(f"{urls['survey']}/v1/surveys", json=survey_body(campaign), headers=h)
        ).json()
        for k in range(rng.randint(1, 5)):
            await http.post(
                f"{urls['survey']}/v1/surveys/{sv['id']}/responses",
                json={
                    "respondent_id": f"uuid:{n}-{k}",
                    "answers": {
                        "q1": rng.randint(1, 5),
                        "q2": rng.randint(1, 7),
                        "q3": rng.randint(1, 10),
                    },
                },
                headers=h,
            )


async def test_statistics_equal_the_records_across_all_services_and_a_replay(
    http: httpx.AsyncClient,
    world: World,
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    urls = {
        "events": events_service.url,
        "risk": risk_service.url,
        "inspection": inspection_service.url,
        "survey": survey_service.url,
    }
    await _write(http, urls, campaign, random.Random(2019))
    # every unit: the monitoring points of other tests stand in this campaign too
    expected = await statistics_from_records(http, urls, campaign, HQ, ALL_UNITS)
    assert sum(row["participants"] for row in expected.values()) > 0

    def matches(table: dict[str, Any]) -> bool:
        rows = {p["province"]: p["metrics"] for p in table["provinces"]}
        return all(rows[p][m] == expected[p][m] for p in ALL_UNITS for m in COUNT_METRICS)

    url = f"{aggregator.url}/v1/campaigns/{campaign}/statistics"
    table = (
        await eventually(
            lambda: http.get(url, headers=HQ),
            until=lambda r: matches(r.json()),
            timeout_s=60,
            what="the statistics of the records",
        )
    ).json()
    others = [p for p in table["provinces"] if p["province"] not in PROVINCES]
    assert len(others) == 26 and all(
        not any(p["metrics"][m] for m in COUNT_METRICS if m not in POINT_METRICS) for p in others
    )
    for m in COUNT_METRICS:
        assert table["totals"][m] == sum(expected[p][m] for p in ALL_UNITS), m
    for p in table["provinces"]:
        if p["province"] in PROVINCES and expected[p["province"]]["index_n"]:
            row = expected[p["province"]]
            assert (
                abs(p["metrics"]["satisfaction_index"] - row["index_sum"] / row["index_n"]) < 0.02
            )

    daily = (await http.get(f"{url}/daily", headers=HQ)).json()
    await run_replay(world.env("aggregator"), aggregator)
    after = await eventually(
        lambda: http.get(url, headers=HQ),
        until=lambda r: r.json() == table,
        what="the identical view after the replay",
    )
    assert after.json() == table
    assert (await http.get(f"{url}/daily", headers=HQ)).json() == daily
