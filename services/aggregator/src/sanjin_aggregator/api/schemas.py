"""Response bodies of the aggregator API (docs/api.md, aggregator)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from sanjin_aggregator.domain.metrics import COUNT_METRICS, METRIC_LABELS
from sanjin_aggregator.service.official import OfficialFigures
from sanjin_aggregator.service.statistics import ProvinceRow, StatisticsTable
from sanjin_shared.clock import BEIJING

_fields: dict[str, Any] = {m: (int, ...) for m in COUNT_METRICS}
_fields["satisfaction_index"] = (float | None, ...)
Metrics = create_model(
    "Metrics", __doc__="; ".join(f"{k}: {v}" for k, v in METRIC_LABELS.items()), **_fields
)


class VenueTypeMetrics(BaseModel):
    community: Metrics  # type: ignore[valid-type]
    campus: Metrics  # type: ignore[valid-type]
    township: Metrics  # type: ignore[valid-type]
    hospital: Metrics  # type: ignore[valid-type]


class ProvinceStatistics(BaseModel):
    province: str
    name: str
    metrics: Metrics  # type: ignore[valid-type]
    by_venue_type: VenueTypeMetrics

    @classmethod
    def of(cls, row: ProvinceRow) -> ProvinceStatistics:
        return cls.model_validate(
            {
                "province": row.province,
                "name": row.name,
                "metrics": row.metrics,
                "by_venue_type": row.by_venue_type,
            }
        )


class Statistics(BaseModel):
    campaign: str
    as_of: datetime | None
    totals: Metrics  # type: ignore[valid-type]
    provinces: list[ProvinceStatistics]

    @classmethod
    def of(cls, table: StatisticsTable) -> Statistics:
        return cls(
            campaign=table.campaign,
            as_of=table.as_of,
            totals=Metrics.model_validate(table.totals),
            provinces=[ProvinceStatistics.of(r) for r in table.provinces],
        )


class DayOut(BaseModel):
    date: date
    metrics: Metrics  # type: ignore[valid-type]


class DailyStatistics(BaseModel):
    campaign: str
    province: str | None
    days: list[DayOut]


class UnitApprovalOut(BaseModel):
    as_of: datetime | None = Field(description="The time of the approved snapshot's figures")
    submitted_at: datetime = Field(description="When the approved version reached headquarters")
    approved_at: datetime
    channel: Literal["sanjin", "email", "paper"]


class OfficialProvinceStatistics(ProvinceStatistics):
    approval: UnitApprovalOut | None = Field(
        description="The approval behind the row; null: not approved, counted as zero"
    )
    live: Metrics  # type: ignore[valid-type]
    difference: dict[str, int | float | None] = Field(
        description="live − approved, for the metrics that differ"
    )


class OfficialStatistics(Statistics):
    """The table compiled from the approved snapshots, beside the live one."""

    basis: Literal["approved"]
    provinces: list[OfficialProvinceStatistics]  # type: ignore[assignment]
    approved_units: int
    live_totals: Metrics  # type: ignore[valid-type]
    difference: dict[str, int | float | None] = Field(
        description="live − approved national totals, for the metrics that differ"
    )

    @classmethod
    def of(cls, figures: OfficialFigures) -> OfficialStatistics:  # type: ignore[override]
        live = {r.province: r for r in figures.live.provinces}
        provinces = []
        for row in figures.approved.provinces:
            approval = figures.approvals.get(row.province)
            provinces.append(
                OfficialProvinceStatistics.model_validate(
                    {
                        "province": row.province,
                        "name": row.name,
                        "metrics": row.metrics,
                        "by_venue_type": row.by_venue_type,
                        "approval": (
                            {
                                "as_of": _beijing(approval.as_of),
                                "submitted_at": _beijing(approval.submitted_at),
                                "approved_at": _beijing(approval.approved_at),
                                "channel": approval.channel,
                            }
                            if approval
                            else None
                        ),
                        "live": live[row.province].metrics,
                        "difference": figures.difference(row.province),
                    }
                )
            )
        return cls(
            campaign=figures.approved.campaign,
            basis="approved",
            as_of=figures.approved.as_of,
            totals=Metrics.model_validate(figures.approved.totals),
            provinces=provinces,
            approved_units=len(figures.approvals),
            live_totals=Metrics.model_validate(figures.live.totals),
            difference=figures.difference(),
        )


def _beijing(moment: datetime | None) -> datetime | None:
    return moment.astimezone(BEIJING) if moment else None
