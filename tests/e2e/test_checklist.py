"""The unit's checklist (GET .../checklist/{province}) as the records, the package and the
submission move, through Kafka into the aggregator; and the unit's Attachment-1 row as a
workbook (GET .../statistics/{province}.xlsx). A province reads only its own."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from openpyxl import load_workbook

from sanjin_aggregator.domain.metrics import METRIC_LABELS
from sanjin_shared.clock import BEIJING
from tests.conftest import auth
from tests.support.campaigns import define_campaign
from tests.support.factories import activity_body, report_body
from tests.support.office_files import docx
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

TJ = "120000"
PROVINCE = auth("province", TJ)


async def codes(http: httpx.AsyncClient, url: str, campaign: str) -> dict[str, Any]:
    r = await http.get(f"{url}/v1/campaigns/{campaign}/checklist/{TJ}", headers=PROVINCE)
    assert r.status_code == 200, r.text
    return {i["code"]: i for i in r.json()["items"]}


async def test_the_checklist_follows_the_unit_and_its_row_downloads_by_venue_type(
    http: httpx.AsyncClient, aggregator: ServiceProcess, events_service: ServiceProcess
) -> None:
    url, events = aggregator.url, events_service.url
    today = datetime.now(BEIJING).date()
    # named after the year the test's past dates fall in (the intake keeps dates in that year)
    year = (today - timedelta(days=3)).year
    campaign = f"{year}-{uuid.uuid4().hex[:8]}"
    await define_campaign(
        http,
        aggregator=url,
        intake=[events],
        headers=auth("admin"),
        name=campaign,
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        report_deadline=datetime.now(UTC) + timedelta(days=20),
    )
    start = await codes(http, url, campaign)
    # the points' items depend on the unit's points of other campaigns (the register stands
    # across campaigns), which other tests may have registered
    points = {"no_monitoring_points", "points_not_evaluated"}
    assert [c for c in start if c not in points] == [
        "no_activities",
        "no_survey",
        "no_summary",
        "no_typical_case",
        "not_submitted",
    ]
    assert start["no_summary"]["message"] == "尚未上传总结材料"

    past = (today - timedelta(days=3)).isoformat()
    ahead = min(today + timedelta(days=3), date(year, 12, 31)).isoformat()
    due = sum(1 for on in (past, past, ahead) if on < today.isoformat())  # 2, 3 on 1-2 January
    made = []
    for on, venue in ((past, "campus"), (past, "township"), (ahead, "community")):
        r = await http.post(
            f"{events}/v1/activities",
            json=activity_body(campaign, scheduled_on=on, venue_type=venue),
            headers=PROVINCE,
        )
        assert r.status_code == 201, r.text
        made.append(r.json())
    overdue = await eventually(
        lambda: codes(http, url, campaign),
        until=lambda items: items.get("activities_not_reported", {}).get("count") == 2,
        timeout_s=60,
        what="two activities past their date",
    )
    assert (
        overdue["activities_not_reported"]["message"] == "有2场宣传教育活动已过活动日期，尚未报告"
    )

    reported = await http.post(
        f"{events}/v1/activities/{made[0]['id']}/report",
        json=report_body(held_on=past, participants=77),
        headers=PROVINCE,
    )
    assert reported.status_code == 200, reported.text
    after = await eventually(
        lambda: codes(http, url, campaign),
        until=lambda items: "no_activities" not in items,
        timeout_s=60,
        what="the report in the checklist",
    )
    assert after["activities_not_reported"]["count"] == due - 1

    summary = await http.post(
        f"{url}/v1/campaigns/{campaign}/files",
        files={"file": ("总结.docx", docx(), "application/octet-stream")},
        data={"kind": "summary"},
        headers=PROVINCE,
    )
    assert summary.status_code == 201, summary.text
    assert "no_summary" not in await codes(http, url, campaign)
    submitted = await http.post(
        f"{url}/v1/campaigns/{campaign}/submissions", json={"summary": "天津市"}, headers=PROVINCE
    )
    assert submitted.status_code == 201, submitted.text
    assert "not_submitted" not in await codes(http, url, campaign)
    returned = await http.post(
        f"{url}/v1/campaigns/{campaign}/submissions/{TJ}/return",
        json={"comment": "请补充满意度调查"},
        headers=auth("hq"),
    )
    assert returned.status_code == 200, returned.text
    assert "returned" in await codes(http, url, campaign)

    # headquarters and the association read it; another province does not
    for reader in (auth("hq"), auth("viewer")):
        r = await http.get(f"{url}/v1/campaigns/{campaign}/checklist/{TJ}", headers=reader)
        assert r.status_code == 200
    other = auth("province", "110000")
    for path in (f"checklist/{TJ}", f"statistics/{TJ}.xlsx"):
        r = await http.get(f"{url}/v1/campaigns/{campaign}/{path}", headers=other)
        assert r.status_code == 404, r.text

    # the row as a workbook: by venue type, then 合计
    r = await http.get(f"{url}/v1/campaigns/{campaign}/statistics/{TJ}.xlsx", headers=PROVINCE)
    assert r.status_code == 200, r.text
    assert "%E5%A4%A9%E6%B4%A5" in r.headers["content-disposition"]  # 天津
    values = [[c.value for c in row] for row in load_workbook(io.BytesIO(r.content)).active]
    header = values[1]
    assert header[0] == "场所类型"
    assert header[1:] == list(METRIC_LABELS.values())
    by_label = {row[0]: row for row in values[2:6]}
    participants = header.index(METRIC_LABELS["participants"])
    assert list(by_label) == ["社区", "校园", "乡镇", "合计"]
    assert by_label["校园"][participants] == by_label["合计"][participants] == 77
    assert by_label["乡镇"][participants] == 0
