"""The statistics table as .xlsx (Attachment 1 of the notice) and .csv: both open with standard
readers and carry exactly the API's table, 32 units in GB/T 2260 order (XPCC last) and the
national total."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from openpyxl import load_workbook

from sanjin_aggregator.domain.metrics import METRIC_LABELS, METRICS
from sanjin_shared.reference import PROVINCES
from tests.conftest import auth
from tests.support.activities import reported_activity
from tests.support.polling import eventually
from tests.support.services import ServiceProcess


async def _with_figures(
    http: httpx.AsyncClient, events: ServiceProcess, aggregator: ServiceProcess, campaign: str
) -> dict[str, Any]:
    for province, participants in (("110000", 120), ("660000", 45), ("440000", 300)):
        await reported_activity(http, events.url, campaign, province, participants)
    table = await eventually(
        lambda: http.get(
            f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq")
        ),
        until=lambda r: r.json()["totals"]["participants"] == 465,
        what="the figures in the aggregator",
    )
    return table.json()


def _expected(table: dict[str, Any]) -> list[list[Any]]:
    rows = [[p["name"], *(p["metrics"][m] for m in METRICS)] for p in table["provinces"]]
    return [*rows, ["合计", *(table["totals"][m] for m in METRICS)]]


async def test_xlsx_and_csv_equal_the_table(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    table = await _with_figures(http, events_service, aggregator, campaign)
    assert [p["province"] for p in table["provinces"]] == list(PROVINCES)
    expected = _expected(table)
    base = f"{aggregator.url}/v1/campaigns/{campaign}"

    assert (
        await http.get(f"{base}/statistics.xlsx", headers=auth("province", "110000"))
    ).status_code == 403
    x = await http.get(f"{base}/statistics.xlsx", headers=auth("hq"))
    assert x.status_code == 200 and x.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert "filename*=UTF-8''" in x.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(x.content)).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert campaign in values[0][0] and "活动情况统计表" in values[0][0]
    assert values[1] == ["序号", "填报单位", *(METRIC_LABELS[m] for m in METRICS)]
    assert ws.freeze_panes == "A3"
    body, below = values[2:35], values[35:]
    assert [r[0] for r in body] == [*range(1, 33), None]
    assert [r[0] for r in below if r[0]][:2] == [
        "填报单位：市场监管总局质量监督司",
        "注：依据各单位录入的实时数据汇总，审核前后可能变化。",
    ]
    assert [r[1:] for r in body] == expected
    assert body[-1][1] == "合计" and body[-2][1] == "新疆生产建设兵团"
    participants = 2 + 1 + METRICS.index("participants")
    assert ws.cell(row=3, column=participants).number_format == "#,##0"

    c = await http.get(f"{base}/statistics.csv", headers=auth("hq"))
    assert c.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert rows[0] == ["填报单位代码", "填报单位", *(METRIC_LABELS[m] for m in METRICS)]
    assert [r[0] for r in rows[1:]] == [*PROVINCES, ""]

    def typed(value: str) -> Any:
        if value == "":
            return None
        return float(value) if "." in value else int(value)

    assert [[r[1], *(typed(v) for v in r[2:])] for r in rows[1:]] == expected


async def test_daily_series_ends_at_the_table(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    table = await _with_figures(http, events_service, aggregator, campaign)
    url = f"{aggregator.url}/v1/campaigns/{campaign}/statistics/daily"
    national = (await http.get(url, headers=auth("hq"))).json()
    assert national["province"] is None and national["days"]
    assert national["days"][-1]["metrics"] == table["totals"]
    mine = (await http.get(url, headers=auth("province", "660000"))).json()
    assert mine["province"] == "660000" and mine["days"][-1]["metrics"]["participants"] == 45
    other = await http.get(url, params={"province": "110000"}, headers=auth("province", "660000"))
    assert other.status_code == 404
    beijing = (await http.get(url, params={"province": "110000"}, headers=auth("hq"))).json()
    assert beijing["days"][-1]["metrics"]["participants"] == 120
