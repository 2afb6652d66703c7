"""Excel in and out for activities: the template, a checked and a committed upload with errors
at their places, idempotence by 编号 (the same workbook again, a corrected row, a removed row),
report figures in the row, the export, and another province seeing none of it."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from sanjin_events.api.workbooks import SHEET
from tests.conftest import auth
from tests.support.factories import activity_body, report_body
from tests.support.services import ServiceProcess
from tests.support.workbooks import FIRST_ROW, fill, letter_of, upload

BJ = auth("province", "110000")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(campaign: str, n: int) -> list[tuple[dict, dict | None]]:
    rows: list[tuple[dict, dict | None]] = []
    for i in range(n):
        body = activity_body(
            campaign,
            venue_type=("community", "campus", "township")[i % 3],
            venue_name=f"场所{i}",
            external_id=f"BJ-{i:03d}",
        )
        report = report_body() if i % 2 == 0 else None
        if report is not None:
            report.pop("recommendations", None)
        rows.append((body, report))
    return rows


async def listed(http: httpx.AsyncClient, url: str, campaign: str, headers: dict) -> list[dict]:
    response = await http.get(
        f"{url}/v1/activities", params={"campaign": campaign, "limit": 500}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_the_template_has_titles_drop_downs_instructions_an_example_and_a_locked_header(
    http: httpx.AsyncClient, events_service: ServiceProcess
) -> None:
    response = await http.get(f"{events_service.url}/v1/activities/template.xlsx", headers=BJ)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == [SHEET.name, "填写说明"]
    ws = book[SHEET.name]
    header = [c.value for c in ws[1]]
    assert header == [c.title for c in SHEET.columns]
    assert ws.protection.sheet and ws["A1"].protection.locked
    assert ws.column_dimensions["A"].protection.locked is False
    kind = letter_of(SHEET, "kind")
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists[f"{kind}2"] == '"宣传教育,社会共治研讨,启动仪式"'
    date_cell = ws[f"{letter_of(SHEET, 'scheduled_on')}2"]
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    assert str(ws[f"{letter_of(SHEET, 'external_id')}2"].value).startswith("示例")
    assert any("编号" in str(r[0].value) for r in book["填写说明"].iter_rows() if r[0].value)


async def test_an_upload_is_checked_then_committed_and_is_idempotent_by_row(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    url = events_service.url
    template = (await http.get(f"{url}/v1/activities/template.xlsx", headers=BJ)).content
    rows = rows_of(campaign, 30)
    bad = fill(template, SHEET, rows, raw={(4, "kind"): "宴会", (9, "scheduled_on"): "2019-13-01"})

    dry = await http.post(
        f"{url}/v1/activities:import", params={"dry_run": "true"}, files=upload(bad), headers=BJ
    )
    assert dry.status_code == 200, dry.text
    answer = dry.json()
    places = {(e["sheet"], e["row"], e["column"]) for e in answer["errors"]}
    assert places == {
        (SHEET.name, FIRST_ROW + 4, letter_of(SHEET, "kind")),
        (SHEET.name, FIRST_ROW + 9, letter_of(SHEET, "scheduled_on")),
    }
    assert all(
        "\u4e00" <= e["message"][0] <= "\u9fff" or "“" in e["message"] for e in answer["errors"]
    )
    assert (answer["dry_run"], answer["rows"], answer["created"], answer["rejected"]) == (
        True,
        30,
        28,
        2,
    )
    assert await listed(http, url, campaign, BJ) == [], "a dry run writes nothing"

    first = (await http.post(f"{url}/v1/activities:import", files=upload(bad), headers=BJ)).json()
    assert (first["created"], first["rejected"], len(first["errors"])) == (28, 2, 2)
    stored = await listed(http, url, campaign, BJ)
    assert len(stored) == 28
    completed = {a["external_id"] for a in stored if a["status"] == "completed"}
    assert completed == {f"BJ-{i:03d}" for i in range(0, 30, 2) if i not in (4,)}

    good = fill(template, SHEET, rows)
    second = (await http.post(f"{url}/v1/activities:import", files=upload(good), headers=BJ)).json()
    assert (second["created"], second["updated"], second["ignored"], second["errors"]) == (
        2,
        0,
        28,
        [],
    )
    before = {a["id"]: a["version"] for a in await listed(http, url, campaign, BJ)}

    again = (await http.post(f"{url}/v1/activities:import", files=upload(good), headers=BJ)).json()
    assert (again["created"], again["updated"], again["ignored"]) == (0, 0, 30)
    assert {a["id"]: a["version"] for a in await listed(http, url, campaign, BJ)} == before

    rows[1][0]["title"] = "改正后的名称"
    rows[2][1]["participants"] = 999  # type: ignore[index]
    corrected = fill(template, SHEET, rows[:-1])  # and the last row removed
    third = (
        await http.post(f"{url}/v1/activities:import", files=upload(corrected), headers=BJ)
    ).json()
    assert (third["created"], third["updated"], third["ignored"]) == (0, 2, 27), third
    assert [m["external_id"] for m in third["missing"]] == ["BJ-029"]
    after = {a["external_id"]: a for a in await listed(http, url, campaign, BJ)}
    assert after["BJ-001"]["title"] == "改正后的名称"
    assert after["BJ-002"]["report"]["participants"] == 999
    assert after["BJ-029"]["status"] == "scheduled", "a removed row is reported, not changed"

    exported = await http.get(
        f"{url}/v1/activities/export.xlsx", params={"campaign": campaign}, headers=BJ
    )
    assert exported.status_code == 200
    ws = load_workbook(io.BytesIO(exported.content))[SHEET.name]
    assert ws.max_row == 31 and [c.value for c in ws[1]][: len(SHEET.columns)] == [
        c.title for c in SHEET.columns
    ]

    tianjin = auth("province", "120000")
    assert await listed(http, url, campaign, tianjin) == []
    theirs = await http.get(
        f"{url}/v1/activities/export.xlsx", params={"campaign": campaign}, headers=tianjin
    )
    assert load_workbook(io.BytesIO(theirs.content))[SHEET.name].max_row == 1
    one = await http.get(f"{url}/v1/activities/{after['BJ-001']['id']}", headers=tianjin)
    assert one.status_code == 404
