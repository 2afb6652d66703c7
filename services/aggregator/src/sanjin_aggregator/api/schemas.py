"""Response bodies of the aggregator API (CONTRACT.md, aggregator)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, create_model

from sanjin_aggregator.domain.metrics import COUNT_METRICS, METRIC_LABELS
from sanjin_aggregator.service.statistics import ProvinceRow, StatisticsTable

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
