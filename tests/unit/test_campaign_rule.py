"""The campaign rule every intake create follows (sanjin_shared.campaigns), and the upcasting of
old event versions in the catalogue."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sanjin_shared.campaigns import (
    DEFAULT_CAMPAIGNS,
    CampaignBook,
    CampaignsUnavailable,
    CampaignWindow,
    OutsideCampaign,
    OutsideEveryCampaign,
    UnknownCampaign,
)
from sanjin_shared.events.catalogue import CATALOGUE, UnknownEvent, decode
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.events.monitoring import MonitoringPointDeactivated, MonitoringPointEvaluated

W2025 = CampaignWindow("2025", date(2025, 9, 1), date(2025, 11, 30), version=1)


def test_campaign_2019_is_known_by_default() -> None:
    book = CampaignBook()
    assert [w.id for w in book.all()] == ["2019"]
    assert book.require("2019", date(2019, 9, 1), "d") == DEFAULT_CAMPAIGNS[0]
    assert book.require("2019", date(2019, 11, 30), "d") == DEFAULT_CAMPAIGNS[0]


def test_unknown_campaign_and_dates_outside_the_window_are_refused() -> None:
    book = CampaignBook()
    with pytest.raises(UnknownCampaign) as unknown:
        book.require("2109", date(2019, 9, 1), "scheduled_on")
    assert (unknown.value.status, unknown.value.slug) == (422, "unknown-campaign")
    assert "2109" in unknown.value.detail
    for day in (date(2019, 8, 31), date(2019, 12, 1)):
        with pytest.raises(OutsideCampaign) as outside:
            book.require("2019", day, "scheduled_on")
        problem = outside.value
        assert (problem.status, problem.slug) == (422, "outside-campaign")
        assert "2019-09-01 至 2019-11-30" in problem.detail  # the window, in the message
        assert problem.extensions["errors"][0]["field"] == "scheduled_on"
    # a monitoring point may be set up before the campaign it is registered in, not after it
    book.require("2019", date(2018, 1, 1), "established_on", earlier_ok=True)
    with pytest.raises(OutsideCampaign):
        book.require("2019", date(2019, 12, 1), "established_on", earlier_ok=True)


def test_the_newest_version_of_a_campaign_wins() -> None:
    book = CampaignBook()
    assert book.apply(W2025)
    moved = CampaignWindow("2025", date(2025, 8, 1), date(2025, 12, 31), version=2)
    assert book.apply(moved)
    assert not book.apply(W2025)  # an older version read late changes nothing
    assert book.get("2025") == moved
    assert book.apply(CampaignWindow("2019", date(2019, 8, 1), date(2019, 12, 31), version=1))
    book.require("2019", date(2019, 12, 31), "d")


async def test_an_unknown_campaign_is_looked_for_again_before_it_is_refused() -> None:
    calls = []

    async def catch_up() -> bool:
        calls.append(1)
        book.apply(W2025)  # the event arrived meanwhile
        return True

    book = CampaignBook(catch_up=catch_up)
    assert await book.check("2025", date(2025, 9, 1), "d") == W2025
    assert await book.check("2025", date(2025, 9, 2), "d") == W2025
    assert len(calls) == 1  # known campaigns never wait

    async def unreachable() -> bool:
        return False

    with pytest.raises(CampaignsUnavailable):
        await CampaignBook(catch_up=unreachable).check("2026", date(2026, 9, 1), "d")


async def test_a_date_names_its_campaigns_and_a_date_in_none_is_refused() -> None:
    """A point's evaluation names no campaign: its date decides. A date in no known window is
    looked for once more at the topic's end, then refused with the windows in the message."""
    calls = []

    async def catch_up() -> bool:
        calls.append(1)
        book.apply(W2025)  # the event arrived meanwhile
        return True

    book = CampaignBook(catch_up=catch_up)
    assert await book.dated(date(2019, 10, 1), "evaluated_on") == list(DEFAULT_CAMPAIGNS)
    assert calls == []  # a date a known campaign holds never waits
    assert await book.dated(date(2025, 11, 30), "evaluated_on") == [W2025]
    assert len(calls) == 1
    with pytest.raises(OutsideEveryCampaign) as outside:
        await book.dated(date(2025, 12, 1), "evaluated_on")
    problem = outside.value
    assert (problem.status, problem.slug) == (422, "outside-every-campaign")
    assert "2025: 2025-09-01 至 2025-11-30" in problem.detail
    assert problem.extensions["errors"][0]["field"] == "evaluated_on"

    async def unreachable() -> bool:
        return False

    with pytest.raises(CampaignsUnavailable):
        await CampaignBook(catch_up=unreachable).dated(date(2026, 9, 1), "evaluated_on")


async def test_a_batch_is_screened_item_by_item() -> None:
    items = [
        (0, ("2019", date(2019, 9, 1))),
        (1, ("2109", date(2019, 9, 1))),
        (2, ("2019", date(2020, 1, 1))),
    ]
    passed, refused = await CampaignBook().screen(items, lambda i: (i[0], i[1], "scheduled_on"))
    assert [i for i, _ in passed] == [0]
    assert [(c.index, c.type, c.field) for c in refused] == [
        (1, "urn:sanjin:problem:unknown-campaign", "campaign"),
        (2, "urn:sanjin:problem:outside-campaign", "scheduled_on"),
    ]


def _v1_point(status: str) -> dict:
    return {
        "point": {
            "id": "mp_1",
            "province": "110000",
            "campaign": "2019",
            "name": "点",
            "venue_type": "community",
            "city": "市",
            "county": "区",
            "address": "址",
            "host_organization": "单位",
            "contact_name": "联系人",
            "contact_phone": "13800000000",
            "established_on": "2019-09-01",
            "capabilities": [],
            "status": status,
            "evaluations": 2,
            "latest_evaluation": {"evaluated_on": "2019-10-01", "score": 90, "evaluator": "甲"},
            "deactivation_reason": "撤销" if status == "inactive" else None,
        }
    }


def _envelope(kind: type, version: int, payload: dict) -> EventEnvelope:
    return EventEnvelope.model_validate(
        {
            "id": "00000000-0000-4000-8000-000000000001",
            "type": kind.event_type,
            "version": version,
            "time": datetime(2019, 11, 3, 20, 0, tzinfo=UTC),  # 2019-11-04 in Beijing
            "producer": "risk_monitoring",
            "aggregate_type": "monitoring_point",
            "aggregate_id": "mp_1",
            "aggregate_version": 3,
            "correlation_id": "c",
            "payload": payload,
        }
    )


def test_a_version_1_point_event_is_upcast_to_the_current_version() -> None:
    assert CATALOGUE["MonitoringPointEvaluated"].schema_version == 2
    event = decode(_envelope(MonitoringPointEvaluated, 1, _v1_point("active")))
    assert [(e.evaluated_on, e.score) for e in event.point.evaluations] == [(date(2019, 10, 1), 90)]
    assert [(p.since, p.until) for p in event.point.active] == [(date(2019, 9, 1), None)]
    gone = decode(_envelope(MonitoringPointDeactivated, 1, _v1_point("inactive")))
    # deactivated on the event's Beijing date
    assert [(p.since, p.until) for p in gone.point.active] == [
        (date(2019, 9, 1), date(2019, 11, 4))
    ]


def test_a_version_newer_than_this_build_is_refused() -> None:
    with pytest.raises(UnknownEvent):
        decode(_envelope(MonitoringPointEvaluated, 3, _v1_point("active")))
