"""Files safe to open, and the one personal-data rule (personal.sees_personal_data).

A monitoring point named `=HYPERLINK(...)` (and texts starting with `+`, `-`, `@`) reaches
headquarters' register as .xlsx and .csv: every such cell must read back as text, never as a
formula. An `hq` token that carries a `province` claim is still hq, not that province: it sees a
consumer's name and phone masked; the register's contacts, collected for headquarters
(Attachment 2), it sees in full like any hq token."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
from openpyxl import load_workbook

from sanjin_shared.sheets import FORMULA_STARTS
from tests.conftest import token
from tests.support.expected import all_pages
from tests.support.factories import booking_body, point_body, session_body
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

HOSTILE_NAME = '=HYPERLINK("http://203.0.113.7/x","点击")'
HOSTILE = {
    "name": HOSTILE_NAME,
    "address": "+1+1 号",
    "host_organization": "-2+3 街道办",
    "city": "@SUM(A1)",
}
PHONE = "13911112222"


def _bearer(role: str, province: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, province)}"}


async def test_hostile_texts_in_both_register_exports_stay_text(
    http: httpx.AsyncClient, risk_service: ServiceProcess, aggregator: ServiceProcess, campaign: str
) -> None:
    # the register lists every point in use during the campaign, other tests' too (a point
    # belongs to its province, not to one campaign): this one is found by its contact person
    contact = f"联系人{uuid.uuid4().hex[:8]}"
    created = await http.post(
        f"{risk_service.url}/v1/monitoring-points",
        json=point_body(campaign, contact_phone=PHONE, contact_name=contact, **HOSTILE),
        headers=_bearer("province", "110000"),
    )
    assert created.status_code == 201, created.text
    register_url = f"{aggregator.url}/v1/campaigns/{campaign}/monitoring-points"
    hq_of_beijing = _bearer("hq", "110000")  # an hq token with a province claim
    register = await eventually(
        lambda: all_pages(http, register_url, hq_of_beijing),
        until=lambda rows: any(p["id"] == created.json()["id"] for p in rows),
        what="the point in the aggregator's register",
    )
    (row,) = [p for p in register if p["id"] == created.json()["id"]]
    assert row["name"] == HOSTILE_NAME
    assert row["contact_phone"] == PHONE  # collected for headquarters: hq sees it

    xlsx = await http.get(register_url + ".xlsx", headers=hq_of_beijing)
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[2]]
    (line,) = [r for r in sheet.iter_rows(min_row=3) if r[header.index("联系人")].value == contact]
    cells = {h: line[i] for i, h in enumerate(header)}
    hostile_cells = [
        c for c in line if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)
    ]
    assert {c.value for c in hostile_cells} == set(HOSTILE.values())
    for cell in hostile_cells:
        assert cell.data_type == "s", f"{cell.value} is a {cell.data_type} cell"
        assert cell.quotePrefix, f"{cell.value} is not kept as text on edit"
    assert cells["联系电话"].value == PHONE

    got = await http.get(register_url + ".csv", headers=hq_of_beijing)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == header
    (ours,) = [r for r in rows[1:] if r[header.index("联系人")] == contact]
    values = dict(zip(rows[0], ours, strict=True))
    texts = {v for v in values.values() if v.startswith("'")}
    assert texts == {"'" + v for v in HOSTILE.values()}, values
    assert not [v for v in values.values() if v.startswith(FORMULA_STARTS)], values
    assert values["联系电话"] == PHONE


async def test_an_hq_token_with_a_province_claim_sees_personal_data_masked(
    http: httpx.AsyncClient, inspection_service: ServiceProcess, campaign: str
) -> None:
    url = inspection_service.url
    beijing = _bearer("province", "110000")
    session = (
        await http.post(
            f"{url}/v1/inspection-sessions", json=session_body(campaign), headers=beijing
        )
    ).json()
    body = booking_body(7)
    booking = await http.post(
        f"{url}/v1/inspection-sessions/{session['id']}/bookings", json=body, headers=beijing
    )
    assert booking.status_code == 201, booking.text
    one = f"{url}/v1/bookings/{booking.json()['id']}"
    own = (await http.get(one, headers=beijing)).json()
    assert (own["consumer_name"], own["consumer_phone"]) == (
        body["consumer_name"],
        body["consumer_phone"],
    )
    seen = (await http.get(one, headers=_bearer("hq", "110000"))).json()
    phone = body["consumer_phone"]
    assert seen["consumer_phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert seen["consumer_name"] == body["consumer_name"][0] + "**"
