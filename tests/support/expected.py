"""What the aggregator must show, computed from the intake services' own records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

import httpx

from sanjin_aggregator.domain.contributions import venue_key
from tests.support.campaigns import TEST_WINDOW


async def all_pages(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        page = (
            await http.get(
                url,
                params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})},
                headers=headers,
            )
        ).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


async def statistics_from_records(
    http: httpx.AsyncClient,
    urls: dict[str, str],
    campaign: str,
    headers: dict[str, str],
    provinces: Iterable[str],
    window: tuple[date, date] = TEST_WINDOW,
) -> dict[str, Counter[str]]:
    """Every count metric per province, from the intake services' own records, read through
    their list endpoints (`headers` must see every province: hq). `index_sum` / `index_n` give
    the response-weighted satisfaction index.

    Monitoring points stand across campaigns: every point of a province counts in the campaign
    of `window` by its own dates, whatever campaign it was registered in. The tests deactivate
    points only on the day they run, after the windows they check, so a point set up by the
    window's end was in use during it."""
    out: dict[str, Counter[str]] = {p: Counter() for p in provinces}
    venues: dict[str, set[str]] = {p: set() for p in out}
    for a in await all_pages(http, f"{urls['events']}/v1/activities", headers, campaign=campaign):
        if a["status"] != "completed":
            continue
        row, r = out[a["province"]], a["report"]
        row[
            {
                "education": "education_activities",
                "seminar": "seminars",
                "launch_ceremony": "launch_ceremonies",
            }[a["kind"]]
        ] += 1
        for m in (
            "participants",
            "materials_distributed",
            "consultations",
            "comparison_items_displayed",
            "video_showings",
            "media_reports",
        ):
            row[m] += r[m]
        row["seminar_recommendations"] += len(r.get("recommendations") or [])
        venues[a["province"]].add(
            venue_key(a["venue_type"], a["city"], a["county"], a["venue_name"])
        )
    for p, keys in venues.items():
        out[p]["venues_covered"] = len(keys)
    start, end = (d.isoformat() for d in window)
    for p in await all_pages(http, f"{urls['risk']}/v1/monitoring-points", headers):
        if p["province"] not in out or p["established_on"] > end:
            continue
        row = out[p["province"]]
        row["monitoring_points_established"] += p["established_on"] >= start
        row["monitoring_points_active"] += 1
        row["monitoring_points_evaluated"] += any(
            start <= e["evaluated_on"] <= end for e in p["evaluations"]
        )
    for r in await all_pages(http, f"{urls['risk']}/v1/risk-reports", headers, campaign=campaign):
        row = out[r["province"]]
        row["risk_reports"] += 1
        row["risk_reports_serious"] += r["risk_level"] == "serious"
        row["risk_reports_high"] += r["risk_level"] == "high"
        row["injuries_reported"] += r["injured"]
    for s in await all_pages(
        http, f"{urls['inspection']}/v1/inspection-sessions", headers, campaign=campaign
    ):
        out[s["province"]]["inspection_sessions"] += s["status"] == "scheduled"
        bookings = await all_pages(
            http, f"{urls['inspection']}/v1/inspection-sessions/{s['id']}/bookings", headers
        )
        out[s["province"]]["bookings_confirmed"] += sum(
            b["status"] == "confirmed" for b in bookings
        )
    for r in await all_pages(
        http, f"{urls['inspection']}/v1/inspection-results", headers, campaign=campaign
    ):
        row = out[r["province"]]
        row["consumers_served"] += 1
        row["samples_tested"] += r["service"] == "testing"
        row["samples_failed"] += r["service"] == "testing" and r["outcome"] == "fail"
        row["counterfeits_identified"] += r["outcome"] == "counterfeit"
    for s in await all_pages(http, f"{urls['survey']}/v1/surveys", headers, campaign=campaign):
        out[s["province"]]["surveys"] += 1
        results = (
            await http.get(f"{urls['survey']}/v1/surveys/{s['id']}/results", headers=headers)
        ).json()
        out[s["province"]]["survey_responses"] += results["responses"]
        if results["satisfaction_index"] is not None:  # response-weighted, as BRIEF.md says
            out[s["province"]]["index_n"] += results["responses"]
            out[s["province"]]["index_sum"] += results["responses"] * results["satisfaction_index"]
    return out
