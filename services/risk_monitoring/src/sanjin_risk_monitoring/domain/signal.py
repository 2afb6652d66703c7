"""A risk signal: a product reported `SIGNAL_THRESHOLD` times or more in a campaign (the signal
rule of `service/reports.py`). It is read from the reports it stands on: every report of a
signalled product carries `signal` (the earlier ones re-triaged when the threshold was reached,
the later ones received so), so the signals of a campaign are its signalled reports grouped by
product; nothing else has to be kept in step with them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_risk_monitoring.domain.triage import LEVELS, SIGNAL_THRESHOLD
from sanjin_shared.reference import ProductCategory, ProvinceCode, RiskLevel


class RiskSignal(BaseModel):
    """One product's signal in one campaign."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(
        title="编号",
        description="campaign|product_key, the aggregate id of its RiskSignalRaised",
        examples=["2019|toys|乐乐|ll-200"],
    )
    campaign: str = Field(title="活动年度", examples=["2019"])
    product_key: str = Field(
        title="产品标识",
        description="Category, brand and model compared without case, width or spaces.",
        examples=["toys|乐乐|ll-200"],
    )
    product_category: ProductCategory = Field(title="产品类别", examples=["toys"])
    brand: str = Field(title="品牌", description="As the first report wrote it.", examples=["乐乐"])
    model: str = Field(
        title="型号", description="As the first report wrote it.", examples=["LL-200"]
    )
    product_name: str = Field(title="产品名称", description="As the first report wrote it.")
    raised_at: datetime = Field(
        title="信号形成时间", description="When the report that reached the threshold was received."
    )
    reports: int = Field(title="报告数", description="Every report of the product in the campaign.")
    provinces: tuple[ProvinceCode, ...] = Field(title="涉及省份", description="Who reported it.")
    report_ids: tuple[str, ...] = Field(
        title="报告编号", description="The reports the caller may read (a province: its own)."
    )
    first_occurred_on: date = Field(title="最早发生日期")
    latest_occurred_on: date = Field(title="最近发生日期")
    risk_level: RiskLevel = Field(title="最高风险等级", description="The highest of its reports'.")

    def involves(self, province: str) -> bool:
        return province in self.provinces


def signals_of(
    received: Iterable[tuple[RiskReport, datetime]], *, can_read: Callable[[str], bool]
) -> list[RiskSignal]:
    """The signals the signalled reports (each with the time it was received) stand on, the most
    recently raised first. The counts are of every report; `report_ids` names those of the
    provinces the caller `can_read` (a province: its own)."""
    by_product: dict[tuple[str, str], list[tuple[RiskReport, datetime]]] = {}
    for report, at in received:
        if report.signal:
            by_product.setdefault((report.campaign, report.product_key), []).append((report, at))
    signals = []
    for (campaign, key), group in by_product.items():
        group.sort(key=lambda pair: (pair[1], pair[0].id))
        first = group[0][0]
        reports = [r for r, _ in group]
        # the report that reached the threshold raised it (with fewer, the data predates the rule)
        raised_at = group[min(SIGNAL_THRESHOLD, len(group)) - 1][1]
        signals.append(
            RiskSignal(
                id=f"{campaign}|{key}",
                campaign=campaign,
                product_key=key,
                product_category=first.product_category,
                brand=first.brand,
                model=first.model,
                product_name=first.product_name,
                raised_at=raised_at,
                reports=len(reports),
                provinces=tuple(sorted({r.province for r in reports})),
                report_ids=tuple(r.id for r in reports if can_read(r.province)),
                first_occurred_on=min(r.occurred_on for r in reports),
                latest_occurred_on=max(r.occurred_on for r in reports),
                risk_level=max((r.risk_level for r in reports), key=LEVELS.index),
            )
        )
    return sorted(signals, key=lambda s: (s.raised_at, s.id), reverse=True)
