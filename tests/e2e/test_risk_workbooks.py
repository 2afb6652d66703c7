"""Excel in and out for monitoring points (Attachment 2) and risk reports: registered, updated
and left alone by 编号; reports name their point by its 编号; a province sees only its own."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from sanjin_risk_monitoring.api.workbooks import POINTS, REPORTS
from tests.conftest import auth
from tests.support.services import ServiceProcess
from tests.support.workbooks import FIRST_ROW, fill, letter_of, upload

SH = auth("province", "310000")


def point(campaign: str, i: int) -> dict:
    return {
        "campaign": campaign,
        "name": f"监测点{i}",
        "venue_type": ("community", "campus", "township", "hospital")[i % 4],
        "city": "上海市",
        "county": "浦东新区",
        "address": f"世纪大道 {i} 号",
        "host_organization": "居委会",
        "contact_name": "李娜",
        "contact_phone": "13912345678",
        "established_on": "2019-09-01",
        "capabilities": ["信息采集"],
        "external_id": f"SH-P{i}",
    }


def report(campaign: str, i: int, point_key: str) -> dict:
    return {
        "monitoring_point_id": point_key,
        "campaign": campaign,
        "occurred_on": "2019-09-20",
        "product_category": "toys",
        "product_name": "玩具车",
        "brand": f"品牌{i}",
        "model": "M1",
        "hazard_type": "injuries",
        "severity": "minor",
        "injured": False,
        "description": "",
        "external_id": f"SH-R{i}",
    }


async def test_points_and_reports_round_trip_through_workbooks(
    http: httpx.AsyncClient, risk_service: ServiceProcess, campaign: str
) -> None:
    url = risk_service.url
    points_template = (
        await http.get(f"{url}/v1/monitoring-points/template.xlsx", headers=SH)
    ).content
    header = [c.value for c in load_workbook(io.BytesIO(points_template))[POINTS.name][1]]
    assert header == [c.title for c in POINTS.columns]
    points = [(point(campaign, i),) for i in range(5)]
    data = fill(points_template, POINTS, points)
    first = (
        await http.post(f"{url}/v1/monitoring-points:import", files=upload(data), headers=SH)
    ).json()
    assert (first["created"], first["errors"]) == (5, []), first
    again = (
        await http.post(f"{url}/v1/monitoring-points:import", files=upload(data), headers=SH)
    ).json()
    assert (again["created"], again["updated"], again["ignored"]) == (0, 0, 5)
    points[2][0]["address"] = "改正后的地址"
    changed = fill(points_template, POINTS, points[:4])
    third = (
        await http.post(f"{url}/v1/monitoring-points:import", files=upload(changed), headers=SH)
    ).json()
    assert (third["updated"], third["ignored"], [m["external_id"] for m in third["missing"]]) == (
        1,
        3,
        ["SH-P4"],
    )
    listed = await http.get(
        f"{url}/v1/monitoring-points", params={"campaign": campaign}, headers=SH
    )
    by_key = {p["external_id"]: p for p in listed.json()["items"]}
    assert by_key["SH-P2"]["address"] == "改正后的地址" and by_key["SH-P2"]["version"] == 2

    reports_template = (await http.get(f"{url}/v1/risk-reports/template.xlsx", headers=SH)).content
    reports = [(report(campaign, i, f"SH-P{i % 5}"),) for i in range(10)]
    bad = fill(reports_template, REPORTS, reports, raw={(3, "monitoring_point_id"): "没有的点"})
    dry = (
        await http.post(
            f"{url}/v1/risk-reports:import",
            params={"dry_run": "true"},
            files=upload(bad),
            headers=SH,
        )
    ).json()
    assert [(e["row"], e["column"]) for e in dry["errors"]] == [
        (FIRST_ROW + 3, letter_of(REPORTS, "monitoring_point_id"))
    ]
    assert dry["created"] == 9
    good = fill(reports_template, REPORTS, reports)
    committed = (
        await http.post(f"{url}/v1/risk-reports:import", files=upload(good), headers=SH)
    ).json()
    assert (committed["created"], committed["errors"]) == (10, []), committed
    repeat = (
        await http.post(f"{url}/v1/risk-reports:import", files=upload(good), headers=SH)
    ).json()
    assert (repeat["created"], repeat["ignored"]) == (0, 10)
    # a received report is not corrected: the changed row is refused at its place, in the dry
    # run as in the commit, in Chinese, never counted as unchanged
    reports[0][0]["brand"] = "另一个品牌"
    altered = fill(reports_template, REPORTS, reports)
    for dry_run in ("true", "false"):
        refused = (
            await http.post(
                f"{url}/v1/risk-reports:import",
                params={"dry_run": dry_run},
                files=upload(altered),
                headers=SH,
            )
        ).json()
        assert [e["row"] for e in refused["errors"]] == [FIRST_ROW], refused
        assert (refused["ignored"], refused["rejected"]) == (9, 1)
        assert "SH-R0 的风险信息已报送" in refused["errors"][0]["message"]
        assert "不能修改" in refused["errors"][0]["message"]
    kept = await http.get(
        f"{url}/v1/risk-reports", params={"campaign": campaign, "limit": 100}, headers=SH
    )
    assert {r["brand"] for r in kept.json()["items"] if r["external_id"] == "SH-R0"} == {"品牌0"}

    exported = await http.get(
        f"{url}/v1/monitoring-points/export.xlsx", params={"campaign": campaign}, headers=SH
    )
    assert load_workbook(io.BytesIO(exported.content))[POINTS.name].max_row == 6
    zhejiang = auth("province", "330000")
    theirs = await http.get(
        f"{url}/v1/risk-reports/export.xlsx", params={"campaign": campaign}, headers=zhejiang
    )
    assert load_workbook(io.BytesIO(theirs.content))[REPORTS.name].max_row == 1
    other = await http.get(f"{url}/v1/monitoring-points/{by_key['SH-P2']['id']}", headers=zhejiang)
    assert other.status_code == 404
