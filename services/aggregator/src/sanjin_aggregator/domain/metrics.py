"""The metrics of the national statistics table (docs/api.md, aggregator), with Chinese labels."""

from __future__ import annotations

import math
from collections.abc import Mapping

# name -> label of the statistics table (Attachment 1 of the notice)
METRIC_LABELS: dict[str, str] = {
    "education_activities": "宣传教育活动(场)",
    "seminars": "社会共治研讨活动(场)",
    "launch_ceremonies": "启动仪式(场)",
    "participants": "参与人数(人次)",
    "materials_distributed": "发放宣传资料(份)",
    "consultations": "接受咨询(人次)",
    "comparison_items_displayed": "实物对比展示(件)",
    "video_showings": "播放视频(场次)",
    "media_reports": "媒体报道(篇)",
    "seminar_recommendations": "研讨建议(条)",
    "venues_covered": "覆盖社区/学校/乡镇(个)",
    "monitoring_points_active": "在用风险信息监测点(个)",
    "monitoring_points_established": "新设风险信息监测点(个)",
    "monitoring_points_evaluated": "评估监测点(个)",
    "risk_reports": "报送风险信息(条)",
    "risk_reports_serious": "严重风险信息(条)",
    "risk_reports_high": "高风险信息(条)",
    "injuries_reported": "伤害事件(起)",
    "inspection_sessions": "检验检测服务活动(场)",
    "bookings_confirmed": "预约检测(人次)",
    "samples_tested": "检测样品(件)",
    "samples_failed": "不合格样品(件)",
    "counterfeits_identified": "鉴别假冒产品(件)",
    "consumers_served": "服务消费者(人次)",
    "surveys": "满意度调查(项)",
    "survey_responses": "调查问卷(份)",
    "satisfaction_index": "满意度指数",
}
METRIC_LABELS_EN: dict[str, str] = {
    "education_activities": "Education activities",
    "seminars": "Co-governance seminars",
    "launch_ceremonies": "Launch ceremonies",
    "participants": "Participants",
    "materials_distributed": "Materials distributed",
    "consultations": "Consultations",
    "comparison_items_displayed": "Items shown side by side",
    "video_showings": "Video showings",
    "media_reports": "Media reports",
    "seminar_recommendations": "Seminar recommendations",
    "venues_covered": "Venues covered",
    "monitoring_points_active": "Monitoring points in use",
    "monitoring_points_established": "Monitoring points set up",
    "monitoring_points_evaluated": "Monitoring points evaluated",
    "risk_reports": "Risk reports",
    "risk_reports_serious": "Serious risk reports",
    "risk_reports_high": "High risk reports",
    "injuries_reported": "Injuries reported",
    "inspection_sessions": "Inspection sessions",
    "bookings_confirmed": "Bookings confirmed",
    "samples_tested": "Samples tested",
    "samples_failed": "Samples failed",
    "counterfeits_identified": "Counterfeits identified",
    "consumers_served": "Consumers served",
    "surveys": "Satisfaction surveys",
    "survey_responses": "Survey responses",
    "satisfaction_index": "Satisfaction index",
}
METRICS: tuple[str, ...] = tuple(METRIC_LABELS)
COUNT_METRICS: tuple[str, ...] = tuple(m for m in METRICS if m != "satisfaction_index")

# Accumulators behind the satisfaction index: the number of responses and the sum of their
# indices, so an index over any set of cells is sum/n (response-weighted, BRIEF.md).
SATISFACTION_N = "satisfaction_n"
SATISFACTION_SUM = "satisfaction_sum"
ACCUMULATORS: tuple[str, ...] = (*COUNT_METRICS, SATISFACTION_N, SATISFACTION_SUM)

Counters = dict[str, float]


def finish(acc: Mapping[str, float]) -> dict[str, int | float | None]:
    """The public metrics from accumulated counters."""
    out: dict[str, int | float | None] = {m: int(acc.get(m, 0)) for m in COUNT_METRICS}
    n = acc.get(SATISFACTION_N, 0)
    out["satisfaction_index"] = (
        round(acc.get(SATISFACTION_SUM, 0.0) / n, 2) if n and math.isfinite(n) else None
    )
    return {m: out[m] for m in METRICS}


def add_into(target: Counters, source: Mapping[str, float], sign: int = 1) -> None:
    for key, value in source.items():
        if value:
            target[key] = target.get(key, 0) + sign * value
