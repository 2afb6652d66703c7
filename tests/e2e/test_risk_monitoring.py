"""risk_monitoring over HTTP: the register, risk intake, the signal rule under concurrency, the
aggregator's figures, masked phones, and no phone number in any log line."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import orjson
from pymongo import AsyncMongoClient

from tests.conftest import World, auth
from tests.support.factories import point_body, risk_report_body
from tests.support.personal import leaks_in
from tests.support.polling import eventually
from tests.support.services import ServiceProcess


async def _totals(http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str) -> dict:
    r = await http.get(f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq"))
    r.raise_for_status()
    return r.json()["totals"]


async def test_register_evaluate_deactivate_reactivate_and_the_figures(
    http: httpx.AsyncClient, risk_service: ServiceProcess, aggregator: ServiceProcess, campaign: str
) -> None:
    url = f"{risk_service.url}/v1/monitoring-points"
    bj = auth("province", "110000")
    created = await http.post(
        url, json=point_body(campaign, contact_phone="+86 139 1234 5678"), headers=bj
    )
    assert created.status_code == 201, created.text
    point = created.json()
    assert (point["status"], point["contact_phone"], point["province"]) == (
        "active",
        "13912345678",
        "110000",
    )
    hospital = (
        await http.post(
            url, json=point_body(campaign, venue_type="hospital", name="人民医院监测点"), headers=bj
        )
    ).json()

    evaluated = await http.post(
        f"{url}/{point['id']}/evaluations",
        json={
            "evaluated_on": "2019-10-01",
            "score": 85,
            "evaluator": "区市场监管局",
            "findings": "运行良好",
        },
        headers=bj,
    )
    assert evaluated.status_code == 200
    assert evaluated.json()["latest_evaluation"]["score"] == 85
    bad_score = await http.post(
        f"{url}/{point['id']}/evaluations",
        json={"evaluated_on": "2019-10-01", "score": 101, "evaluator": "x"},
        headers=bj,
    )
    assert bad_score.status_code == 422 and bad_score.json()["errors"][0]["field"] == "score"

    deactivated = await http.post(
        f"{url}/{hospital['id']}/deactivate", json={"reason": "医院搬迁"}, headers=bj
    )
    assert deactivated.json()["status"] == "inactive"
    again = await http.post(f"{url}/{hospital['id']}/deactivate", json={"reason": "x"}, headers=bj)
    assert again.status_code == 409

    # reports: from an inactive point 409, from another province's point 422, triaged otherwise
    reports = f"{risk_service.url}/v1/risk-reports"
    inactive = await http.post(reports, json=risk_report_body(hospital["id"], campaign), headers=bj)
    assert inactive.status_code == 409, inactive.text
    foreign = await http.post(
        reports, json=risk_report_body(point["id"], campaign), headers=auth("province", "120000")
    )
    assert (
        foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "monitoring_point_id"
    )
    child = await http.post(
        reports,
        json=risk_report_body(point["id"], campaign, victim_age=6, severity="severe"),
        headers=bj,
    )
    assert child.status_code == 201 and child.json()["risk_level"] == "serious"
    adult = await http.post(
        reports,
        json=risk_report_body(point["id"], campaign, brand="Other", severity="minor"),
        headers=bj,
    )
    assert adult.json()["risk_level"] == "low"
    forged = await http.post(
        reports, json={**risk_report_body(point["id"], campaign), "risk_level": "low"}, headers=bj
    )
    assert forged.status_code == 422 and forged.json()["errors"][0]["field"] == "risk_level"

    assert (await http.post(f"{url}/{hospital['id']}/reactivate", headers=bj)).json()[
        "status"
    ] == "active"
    await http.post(f"{url}/{hospital['id']}/deactivate", json={"reason": "撤并"}, headers=bj)

    totals = await eventually(
        lambda: _totals(http, aggregator, campaign),
        until=lambda t: t["risk_reports"] == 2,
        what="the reports in the statistics",
    )
    assert totals["risk_reports_serious"] == 1
    assert totals["risk_reports_high"] == 0
    assert totals["injuries_reported"] == 2
    # the points stand in the campaign's register (with other tests' points: a point belongs
    # to its province, not to one campaign); the hospital was deactivated today, after the
    # campaign, so it was in use during it
    register_url = f"{aggregator.url}/v1/campaigns/{campaign}/monitoring-points"

    def ours(r: httpx.Response) -> dict[str, dict]:
        mine = (point["id"], hospital["id"])
        return {row["id"]: row for row in r.json()["items"] if row["id"] in mine}

    register = await eventually(
        lambda: http.get(register_url, headers=auth("hq")),
        until=lambda r: len(ours(r)) == 2 and ours(r)[hospital["id"]]["status"] == "inactive",
        what="the register of the campaign",
    )
    rows = ours(register)
    assert (rows[point["id"]]["evaluations"], rows[point["id"]]["latest_score"]) == (1, 85)
    assert rows[hospital["id"]]["evaluations"] == 0


async def test_the_signal_rule_under_concurrent_reports(
    http: httpx.AsyncClient,
    world: World,
    risk_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    bj = auth("province", "110000")
    points = [
        (
            await http.post(
                f"{risk_service.url}/v1/monitoring-points",
                json=point_body(campaign, name=f"点{i}"),
                headers=bj,
            )
        ).json()
        for i in range(3)
    ]
    model = f"HK-{uuid.uuid4().hex[:6]}"
    spellings = [
        ("Happy Kid", model),
        ("happy kid", model.lower()),
        (" HAPPY  KID ", model.upper()),
    ]

    async def send(i: int) -> httpx.Response:
        brand, mdl = spellings[i % 3]
        return await http.post(
            f"{risk_service.url}/v1/risk-reports",
            json=risk_report_body(
                points[i % 3]["id"], campaign, brand=brand, model=mdl, severity="minor"
            ),
            headers=bj,
        )

    responses = await asyncio.gather(*(send(i) for i in range(8)))
    assert [r.status_code for r in responses] == [201] * 8, [
        r.text for r in responses if r.status_code != 201
    ]

    listed = (
        await http.get(
            f"{risk_service.url}/v1/risk-reports", params={"campaign": campaign}, headers=bj
        )
    ).json()["items"]
    assert len(listed) == 8
    assert all(
        r["signal"] and r["risk_level"] == "medium" for r in listed
    )  # minor → low, +1 signal
    assert (
        sorted(r["version"] for r in listed) == [1] * 6 + [2] * 2
    )  # the two before the third: re-triaged once

    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
    try:
        outbox = client[f"{world.name}_risk_monitoring"]["outbox"]
        kinds: Counter[str] = Counter()
        async for doc in outbox.find({}, {"value": 1}):
            envelope = orjson.loads(doc["value"])
            payload = envelope["payload"]
            if (
                payload.get("campaign") == campaign
                or payload.get("report", {}).get("campaign") == campaign
            ):
                kinds[envelope["type"]] += 1
    finally:
        await client.close()
    assert kinds == {"RiskReportReceived": 8, "RiskReportRetriaged": 2, "RiskSignalRaised": 1}

    totals = await eventually(
        lambda: _totals(http, aggregator, campaign),
        until=lambda t: t["risk_reports"] == 8,
        what="the reports in the statistics",
    )
    assert (
        totals["risk_reports_high"] == 0 and totals["risk_reports_serious"] == 0
    )  # medium, counted once each


async def test_point_phones_are_shown_to_hq_and_never_logged(
    http: httpx.AsyncClient, world: World, risk_service: ServiceProcess, campaign: str
) -> None:
    bj = auth("province", "110000")
    url = f"{risk_service.url}/v1/monitoring-points"
    point = (
        await http.post(url, json=point_body(campaign, contact_phone="13700001111"), headers=bj)
    ).json()
    hq_view = (await http.get(url, params={"campaign": campaign}, headers=auth("hq"))).json()[
        "items"
    ]
    # the institutional contact of Attachment 2 is collected for headquarters: hq reads it
    assert [p["contact_phone"] for p in hq_view] == ["13700001111"]
    assert (await http.get(f"{url}/{point['id']}", headers=auth("admin"))).json()[
        "contact_phone"
    ] == "13700001111"
    bad = await http.post(url, json=point_body(campaign, contact_phone="12345"), headers=bj)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "contact_phone"
    assert "12345" not in bad.text or "contact_phone" in bad.text

    await asyncio.sleep(0.5)  # let the relay log what it logs
    assert not leaks_in(world.run_dir / "logs")


async def test_risk_report_batch(
    http: httpx.AsyncClient, risk_service: ServiceProcess, campaign: str
) -> None:
    bj = auth("province", "110000")
    point = (
        await http.post(
            f"{risk_service.url}/v1/monitoring-points", json=point_body(campaign), headers=bj
        )
    ).json()
    items = [
        risk_report_body(point["id"], campaign, brand=f"B{i}", external_id=f"R-{i}")
        for i in range(20)
    ]
    items[5]["severity"] = "deadly"
    items[9]["monitoring_point_id"] = "mp_nowhere"
    url = f"{risk_service.url}/v1/risk-reports:batch"
    first = (await http.post(url, json={"items": items}, headers=bj)).json()
    assert (first["created"], first["ignored"]) == (18, 0)
    assert {c["index"]: c["field"] for c in first["conflicts"]} == {
        5: "severity",
        9: "monitoring_point_id",
    }
    again = (await http.post(url, json={"items": items}, headers=bj)).json()
    assert (again["created"], again["ignored"], len(again["conflicts"])) == (0, 18, 2)


async def test_the_national_register_and_its_spreadsheet(
    http: httpx.AsyncClient, risk_service: ServiceProcess, aggregator: ServiceProcess, campaign: str
) -> None:
    import io

    from openpyxl import load_workbook

    url = f"{risk_service.url}/v1/monitoring-points"
    made = []
    for province, name, venue in [
        ("660000", "兵团一师监测点", "township"),
        ("110000", "和平里社区监测点", "community"),
        ("440000", "天河中学监测点", "campus"),
        ("110000", "东城医院监测点", "hospital"),
    ]:
        body = point_body(campaign, name=name, venue_type=venue, contact_phone="13512345678")
        made.append((await http.post(url, json=body, headers=auth("province", province))).json())
    await http.post(
        f"{url}/{made[1]['id']}/evaluations",
        json={"evaluated_on": "2019-10-02", "score": 92, "evaluator": "评估组", "findings": "好"},
        headers=auth("province", "110000"),
    )
    await http.patch(
        f"{url}/{made[2]['id']}", json={"address": "天河路2号"}, headers=auth("province", "440000")
    )
    register_url = f"{aggregator.url}/v1/campaigns/{campaign}/monitoring-points"
    ids = {p["id"] for p in made}

    def mine(r: httpx.Response) -> list[dict]:
        """This test's points; the register also holds other tests' points of 2019, as a
        point stands in every campaign during which it was in use."""
        return [row for row in r.json()["items"] if row["id"] in ids]

    register = await eventually(
        lambda: http.get(register_url, headers=auth("hq")),
        until=lambda r: (
            r.status_code == 200
            and len(mine(r)) == 4
            and any(row["latest_score"] == 92 for row in mine(r))
            and any(row["address"] == "天河路2号" for row in mine(r))
        ),
        what="the register in the aggregator",
    )
    rows = register.json()["items"]
    assert register.json()["total"] == len(rows)
    assert [r["province"] for r in mine(register)] == [
        "110000",
        "110000",
        "440000",
        "660000",
    ]  # GB/T order, XPCC last
    order = [r["province"] for r in rows]
    assert order == sorted(order, key=lambda code: (code == "660000", code))
    # hq sees the host organisations' contacts in full: collecting them is Attachment 2's purpose
    assert {r["contact_phone"] for r in mine(register)} == {"13512345678"}
    # the viewer reads the register without personal data
    viewed_register = await http.get(register_url, headers=auth("viewer"))
    viewed = mine(viewed_register)
    assert [r["id"] for r in viewed] == [r["id"] for r in mine(register)]
    assert {r["contact_phone"] for r in viewed} == {"135****5678"}
    assert all(
        v["contact_name"] != r["contact_name"] and v["contact_name"].endswith("*")
        for v, r in zip(viewed, mine(register), strict=True)
    )
    own_register = await http.get(register_url, headers=auth("province", "110000"))
    own = own_register.json()["items"]
    assert {r["province"] for r in own} == {"110000"}
    assert [r["province"] for r in mine(own_register)] == ["110000", "110000"]
    assert {r["contact_phone"] for r in mine(own_register)} == {"13512345678"}
    paged = (await http.get(register_url, params={"limit": 3}, headers=auth("hq"))).json()
    rest = (
        await http.get(register_url, params={"cursor": paged["next_cursor"]}, headers=auth("hq"))
    ).json()
    assert [r["id"] for r in paged["items"] + rest["items"]] == [r["id"] for r in rows]

    xlsx = await http.get(
        register_url.replace("/monitoring-points", "/monitoring-points.xlsx"), headers=auth("hq")
    )
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "风险信息监测点登记表" in values[0][0]
    header = values[1]
    assert header[:5] == ["序号", "省份", "监测点名称", "监测点类型", "所在市"]
    assert sheet.freeze_panes == "A3"
    column = {name: i for i, name in enumerate(header)}
    for i, (line, row) in enumerate(zip(values[2:], rows, strict=True), 1):
        assert line[column["序号"]] == i
        assert line[column["省份"]] == row["province_name"]
        assert line[column["监测点名称"]] == row["name"]
        assert line[column["监测点类型"]] == row["venue_type_zh"]
        assert line[column["详细地址"]] == row["address"]
        assert line[column["联系电话"]] == row["contact_phone"]
        assert line[column["最近评估得分"]] == row["latest_score"]
        assert line[column["状态"]] == row["status_zh"]


async def test_report_lists_filter_and_idempotency_key(
    http: httpx.AsyncClient, risk_service: ServiceProcess, campaign: str
) -> None:
    bj = auth("province", "110000")
    point = (
        await http.post(
            f"{risk_service.url}/v1/monitoring-points", json=point_body(campaign), headers=bj
        )
    ).json()
    url = f"{risk_service.url}/v1/risk-reports"
    key = {**bj, "Idempotency-Key": f"rr-{campaign}"}
    first = await http.post(
        url, json=risk_report_body(point["id"], campaign, brand="A", severity="fatal"), headers=key
    )
    again = await http.post(
        url, json=risk_report_body(point["id"], campaign, brand="A", severity="fatal"), headers=key
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    other = await http.post(
        url, json=risk_report_body(point["id"], campaign, brand="B"), headers=key
    )
    assert other.status_code == 409
    await http.post(
        url,
        json=risk_report_body(
            point["id"],
            campaign,
            brand="C",
            hazard_type="fire",
            severity="minor",
            occurred_on="2019-09-03",
        ),
        headers=bj,
    )

    async def ids(**params: object) -> list[str]:
        r = await http.get(url, params={"campaign": campaign, **params}, headers=bj)
        assert r.status_code == 200, r.text
        return [item["brand"] for item in r.json()["items"]]

    assert await ids() == ["A", "C"]
    assert await ids(risk_level="serious") == ["A"]
    assert await ids(hazard_type="fire") == ["C"]
    assert await ids(occurred_to="2019-09-30") == ["C"]
    assert await ids(product_category="textiles") == []
    assert await ids(monitoring_point_id=point["id"]) == ["A", "C"]
    assert (
        await http.get(url, params={"campaign": campaign}, headers=auth("province", "120000"))
    ).json()["items"] == []
    assert (await http.get(url, params={"risk_level": "extreme"}, headers=bj)).status_code == 422


async def test_risk_signals_with_the_reports_behind_them(
    http: httpx.AsyncClient, risk_service: ServiceProcess, campaign: str
) -> None:
    """Two reports from Beijing and one from Tianjin of one product raise a signal; another
    product with two reports does not. hq, the viewer and admin read it; each province sees the
    signals it is part of with its own reports named; the reports behind it are one list away."""
    url = risk_service.url
    bj, tj = auth("province", "110000"), auth("province", "120000")
    point_bj = (
        await http.post(f"{url}/v1/monitoring-points", json=point_body(campaign), headers=bj)
    ).json()
    point_tj = (
        await http.post(f"{url}/v1/monitoring-points", json=point_body(campaign), headers=tj)
    ).json()
    model = f"SG-{uuid.uuid4().hex[:6]}"
    sent = [
        (bj, point_bj, model, "2019-10-02", "minor"),
        (bj, point_bj, model, "2019-10-05", "severe"),
        (tj, point_tj, model.lower(), "2019-10-03", "minor"),
        (bj, point_bj, f"{model}-X", "2019-10-04", "minor"),
        (tj, point_tj, f"{model}-X", "2019-10-04", "minor"),
    ]
    ids = []
    for headers, point, mdl, day, severity in sent:
        r = await http.post(
            f"{url}/v1/risk-reports",
            json=risk_report_body(
                point["id"], campaign, model=mdl, occurred_on=day, severity=severity
            ),
            headers=headers,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])

    async def signals(headers: dict[str, str], **params: str) -> list[dict]:
        r = await http.get(
            f"{url}/v1/risk-signals", params={"campaign": campaign, **params}, headers=headers
        )
        assert r.status_code == 200, r.text
        return r.json()["items"]

    (signal,) = await signals(auth("hq"))
    assert signal["product_key"] == f"toys|happykid|{model.lower()}"
    assert (signal["brand"], signal["model"], signal["reports"]) == ("Happy Kid", model, 3)
    assert signal["provinces"] == ["110000", "120000"]
    assert sorted(signal["report_ids"]) == sorted(ids[:3])
    assert (signal["first_occurred_on"], signal["latest_occurred_on"]) == (
        "2019-10-02",
        "2019-10-05",
    )
    assert signal["risk_level"] == "serious"  # severe → high, +1 signal
    assert await signals(auth("viewer")) == [signal]
    assert await signals(auth("hq"), province="120000") == [signal]
    assert await signals(auth("hq"), province="130000") == []
    (seen_by_tj,) = await signals(tj)
    assert seen_by_tj["report_ids"] == [ids[2]] and seen_by_tj["reports"] == 3
    assert await signals(auth("province", "130000")) == []
    assert await signals(auth("province", "130000"), province="110000") == []  # its own, always

    behind = await http.get(
        f"{url}/v1/risk-reports",
        params={"campaign": campaign, "product_key": signal["product_key"]},
        headers=auth("hq"),
    )
    assert sorted(r["id"] for r in behind.json()["items"]) == sorted(ids[:3])
