"""Paper responses of a survey typed into a workbook derived from its questions: checked, recorded
once per 问卷编号 (the same workbook again records nothing), and the index moves."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from tests.conftest import auth
from tests.support.factories import QUESTIONS, survey_body
from tests.support.services import ServiceProcess
from tests.support.workbooks import FIRST_ROW, upload

SC = auth("province", "510000")


def typed_in(template: bytes, rows: list[list[object]]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    ws = book["满意度调查问卷"]
    for r, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            ws.cell(row=FIRST_ROW + r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_paper_responses_from_a_workbook(
    http: httpx.AsyncClient, survey_service: ServiceProcess, campaign: str
) -> None:
    url = survey_service.url
    survey = await http.post(f"{url}/v1/surveys", json=survey_body(campaign), headers=SC)
    assert survey.status_code == 201, survey.text
    survey_id = survey.json()["id"]
    template = await http.get(f"{url}/v1/surveys/{survey_id}/responses/template.xlsx", headers=SC)
    assert template.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(template.content))["满意度调查问卷"][1]]
    assert header[0] == "问卷编号" and len(header) == 1 + len(QUESTIONS)
    assert header[1].startswith("1. " + QUESTIONS[0]["text"][:10])
    scale = QUESTIONS[0]["scale_max"]
    rows = [[f"P-{i}", *[min(q["scale_max"], 3 + i % 3) for q in QUESTIONS]] for i in range(8)]
    rows[5][1] = scale + 1  # beyond the scale
    data = typed_in(template.content, rows)
    target = f"{url}/v1/surveys/{survey_id}/responses:import"
    dry = (
        await http.post(target, params={"dry_run": "true"}, files=upload(data), headers=SC)
    ).json()
    assert [(e["row"], e["column"], e["message"]) for e in dry["errors"]] == [
        (FIRST_ROW + 5, "B", f"不能大于 {scale}")
    ]
    first = (await http.post(target, files=upload(data), headers=SC)).json()
    assert (first["created"], first["rejected"]) == (7, 1), first
    again = (await http.post(target, files=upload(data), headers=SC)).json()
    assert (again["created"], again["ignored"]) == (0, 7)
    results = (await http.get(f"{url}/v1/surveys/{survey_id}/results", headers=SC)).json()
    assert results["responses"] == 7 and results["satisfaction_index"] is not None
    other = auth("province", "500000")
    assert (await http.post(target, files=upload(data), headers=other)).status_code == 404
