"""Excel in and out for inspection results: a session's results from a workbook, refused rows at
their place, the same workbook again changing nothing, and another province seeing none of it."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from sanjin_inspection.api.workbooks import SHEET
from tests.conftest import auth
from tests.support.factories import session_body
from tests.support.services import ServiceProcess
from tests.support.workbooks import FIRST_ROW, fill, letter_of, upload

ZJ = auth("province", "330000")


async def test_results_of_a_session_from_a_workbook(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    url = inspection_service.url
    session = await http.post(
        f"{url}/v1/inspection-sessions", json=session_body(campaign, capacity=50), headers=ZJ
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]
    template = (await http.get(f"{url}/v1/inspection-results/template.xlsx", headers=ZJ)).content
    rows = [
        (
            {
                "product_category": "toys",
                "service": ("testing", "authentication")[i % 2],
                "outcome": ("pass", "genuine")[i % 2],
                "external_id": f"ZJ-R{i}",
            },
        )
        for i in range(6)
    ]
    rows[3][0]["outcome"] = "pass"  # an authentication result cannot "pass"
    data = fill(template, SHEET, rows)
    target = f"{url}/v1/inspection-sessions/{session_id}/results:import"
    dry = (
        await http.post(target, params={"dry_run": "true"}, files=upload(data), headers=ZJ)
    ).json()
    assert [(e["row"], e["column"]) for e in dry["errors"]] == [
        (FIRST_ROW + 3, letter_of(SHEET, "outcome"))
    ], dry
    listed = await http.get(f"{url}/v1/inspection-sessions/{session_id}/results", headers=ZJ)
    assert listed.json()["items"] == [], "a dry run writes nothing"
    first = (await http.post(target, files=upload(data), headers=ZJ)).json()
    assert (first["created"], first["rejected"]) == (5, 1), first
    again = (await http.post(target, files=upload(data), headers=ZJ)).json()
    assert (again["created"], again["ignored"], again["rejected"]) == (0, 5, 1)
    fewer = (
        await http.post(target, files=upload(fill(template, SHEET, rows[:5])), headers=ZJ)
    ).json()
    assert [m["external_id"] for m in fewer["missing"]] == ["ZJ-R5"]

    exported = await http.get(
        f"{url}/v1/inspection-results/export.xlsx", params={"campaign": campaign}, headers=ZJ
    )
    assert load_workbook(io.BytesIO(exported.content))[SHEET.name].max_row == 6
    other = auth("province", "320000")
    assert (await http.post(target, files=upload(data), headers=other)).status_code == 404
    theirs = await http.get(
        f"{url}/v1/inspection-results/export.xlsx", params={"campaign": campaign}, headers=other
    )
    assert load_workbook(io.BytesIO(theirs.content))[SHEET.name].max_row == 1
