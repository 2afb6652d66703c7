"""Triage, the signal rule's pieces, and the monitoring-point state rules (pure domain)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymongo import AsyncMongoClient

from sanjin_risk_monitoring.adapters.repository import PointRepository
from sanjin_risk_monitoring.domain.point import Evaluation, MonitoringPoint, PointStatus
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_risk_monitoring.domain.triage import LEVELS, product_key, risk_level
from sanjin_shared.declaration import to_document
from sanjin_shared.declarations.monitoring import PointDetails, ReportDetails
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.monitoring import (
    MonitoringPointDeactivated,
    MonitoringPointEvaluated,
    MonitoringPointReactivated,
    RiskReportReceived,
    RiskReportRetriaged,
)
from sanjin_shared.personal import mask_phone, normalise_phone
from sanjin_shared.reference import HazardType, ProductCategory, RiskLevel, Severity, VenueType

TODAY = date(2019, 11, 1)
L, M, H, S = RiskLevel.low, RiskLevel.medium, RiskLevel.high, RiskLevel.serious


@pytest.mark.parametrize(
    ("severity", "age", "signal", "level"),
    [
        (Severity.none, 30, False, L),
        (Severity.minor, 30, False, L),
        (Severity.moderate, 30, False, M),
        (Severity.severe, 30, False, H),
        (Severity.fatal, 30, False, S),
        (Severity.none, None, False, L),  # age unknown: no child step
        (Severity.minor, 13, False, M),  # child under 14: one higher
        (Severity.minor, 14, False, L),  # 14 is not under 14
        (Severity.moderate, 3, False, H),
        (Severity.severe, 5, False, S),
        (Severity.fatal, 5, False, S),  # capped
        (Severity.minor, 30, True, M),  # signal: one higher
        (Severity.minor, 10, True, H),  # child and signal: two higher
        (Severity.moderate, 10, True, S),
        (Severity.severe, 10, True, S),  # capped
        (Severity.fatal, None, True, S),
    ],
)
def test_triage_table(severity: Severity, age: int | None, signal: bool, level: RiskLevel) -> None:
    assert risk_level(severity, victim_age=age, signal=signal) is level


@given(st.sampled_from(list(Severity)), st.one_of(st.none(), st.integers(0, 110)), st.booleans())
def test_triage_never_lowers_and_steps_at_most_twice(
    severity: Severity, age: int | None, signal: bool
) -> None:
    base = LEVELS.index(risk_level(severity, victim_age=None, signal=False))
    level = LEVELS.index(risk_level(severity, victim_age=age, signal=signal))
    steps = int(age is not None and age < 14) + int(signal)
    assert level == min(base + steps, 3)


def test_the_same_product_ignores_case_width_and_spaces() -> None:
    a = product_key(ProductCategory.toys, "Happy Kid", "HK-100")
    assert a == product_key(ProductCategory.toys, " happy  kid ", "hk-100")
    assert a == product_key(ProductCategory.toys, "ＨＡＰＰＹ ＫＩＤ", "ＨＫ－１００")  # full width
    assert a != product_key(ProductCategory.textiles, "Happy Kid", "HK-100")
    assert a != product_key(ProductCategory.toys, "Happy Kid", "HK-101")


@pytest.mark.parametrize(
    ("raw", "normal", "masked"),
    [
        ("13812345678", "13812345678", "138****5678"),
        ("+86 138 1234 5678", "13812345678", "138****5678"),
        ("010-62345678", "010-62345678", "010-****5678"),
        ("0755-8765432", "0755-8765432", "0755-****5432"),
        ("02087654321", "02087654321", "0208****4321"),
    ],
)
def test_phone_numbers(raw: str, normal: str, masked: str) -> None:
    assert normalise_phone(raw) == normal
    assert mask_phone(normal) == masked


@pytest.mark.parametrize(
    "bad", ["12345678901", "1381234567", "phone", "62345678", "+1 415 555 0100"]
)
def test_bad_phone_numbers(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_phone(bad)


def point(**overrides: object) -> MonitoringPoint:
    fields: dict[str, object] = {
        "id": "mp_1",
        "province": "110000",
        "campaign": "2019",
        "name": "和平社区监测点",
        "venue_type": VenueType.community,
        "city": "北京市",
        "county": "东城区",
        "address": "和平里1号",
        "host_organization": "和平里街道办",
        "contact_name": "王芳",
        "contact_phone": "13812345678",
        "established_on": date(2019, 9, 1),
        "capabilities": ("collection",),
    }
    fields.update(overrides)
    identity = {"id": fields.pop("id"), "province": fields.pop("province")}
    return MonitoringPoint.register(
        today=TODAY, external_id=None, details=PointDetails(**fields), **identity
    )  # type: ignore[arg-type]


def test_point_lifecycle() -> None:
    p = point()
    assert p.status is PointStatus.active and p.version == 1
    p = p.evaluate(
        Evaluation(evaluated_on=date(2019, 10, 1), score=80, evaluator="评估组", findings="良好"),
        today=TODAY,
    )
    p = p.evaluate(
        Evaluation(evaluated_on=date(2019, 9, 20), score=60, evaluator="评估组", findings="早先"),
        today=TODAY,
    )
    assert isinstance(p.events[0], MonitoringPointEvaluated)
    assert p.latest_evaluation is not None and p.latest_evaluation.score == 80  # latest by date
    assert [e.score for e in p.state().evaluations] == [80, 60]  # every one, in recorded order
    p = p.deactivate("撤并", today=TODAY)
    assert isinstance(p.events[0], MonitoringPointDeactivated)
    with pytest.raises(InvalidTransition):
        p.deactivate("again", today=TODAY)
    p = p.reactivate(today=TODAY)
    assert isinstance(p.events[0], MonitoringPointReactivated)
    assert p.status is PointStatus.active and p.deactivation_reason is None
    with pytest.raises(InvalidTransition):
        p.reactivate(today=TODAY)
    assert p.version == 5


def test_a_point_keeps_the_periods_it_was_in_use() -> None:
    p = point()  # established 2019-09-01
    assert p.active_periods() == [(date(2019, 9, 1), None)]
    p = p.deactivate("撤并", today=date(2019, 10, 1)).reactivate(today=date(2020, 3, 1))
    p = p.deactivate("撤并", today=date(2021, 5, 1))
    assert p.active_periods() == [
        (date(2019, 9, 1), date(2019, 10, 1)),
        (date(2020, 3, 1), date(2021, 5, 1)),
    ]
    assert [(a.since, a.until) for a in p.state().active] == p.active_periods()
    # deactivated on the day it was set up: never in use
    assert point().deactivate("x", today=date(2019, 9, 1)).active_periods() == []


def test_point_rules() -> None:
    with pytest.raises(RuleViolation) as err:
        point(established_on=date(2019, 11, 2))
    assert err.value.field == "established_on"
    with pytest.raises(RuleViolation) as err:
        point().evaluate(
            Evaluation(evaluated_on=date(2019, 8, 1), score=80, evaluator="x", findings=""),
            today=TODAY,
        )
    assert err.value.field == "evaluated_on"
    with pytest.raises(RuleViolation) as err:
        point().update(today=TODAY, province="120000")
    assert err.value.field == "province"
    moved = point().update(today=TODAY, venue_type=VenueType.hospital)
    assert moved.venue_type is VenueType.hospital and moved.version == 2


def report(p: MonitoringPoint, **overrides: object) -> RiskReport:
    fields: dict[str, object] = {
        "id": "rr_1",
        "campaign": "2019",
        "occurred_on": date(2019, 10, 1),
        "product_category": ProductCategory.toys,
        "product_name": "发声玩具",
        "brand": "Happy Kid",
        "model": "HK-100",
        "hazard_type": HazardType.choking,
        "severity": Severity.moderate,
        "injured": True,
        "victim_age": 3,
        "victim_sex": "female",
        "description": "小零件脱落",
    }
    fields.update(overrides)
    report_id = fields.pop("id")
    details = ReportDetails(monitoring_point_id=p.id, **fields)  # type: ignore[arg-type]
    return RiskReport.receive(
        id=report_id, point=p, details=details, external_id=None, today=TODAY, signal=False
    )  # type: ignore[arg-type]


def test_a_report_takes_its_province_and_venue_from_the_point_and_is_triaged() -> None:
    r = report(point(venue_type=VenueType.hospital))
    assert (r.province, r.venue_type) == ("110000", VenueType.hospital)
    assert r.risk_level is RiskLevel.high  # moderate, child under 14
    assert isinstance(r.events[0], RiskReportReceived)
    raised = r.raise_signal()
    assert raised.risk_level is RiskLevel.serious and raised.version == 2
    assert isinstance(raised.events[0], RiskReportRetriaged)
    assert raised.raise_signal().events == ()  # once only


def test_an_inactive_point_cannot_report_and_rules_name_the_field() -> None:
    with pytest.raises(InvalidTransition):
        report(point().deactivate("x", today=TODAY))
    with pytest.raises(RuleViolation) as err:
        report(point(), occurred_on=date(2019, 11, 5))
    assert err.value.field == "occurred_on"
    with pytest.raises(RuleViolation) as err:
        report(point(), severity=Severity.none, injured=True)
    assert err.value.field == "severity"


def test_a_point_stored_before_its_status_changes_were_kept_ends_its_use_on_its_last_change() -> (
    None
):
    """A document written before `status_changes` existed: an inactive point was deactivated
    at the latest on the Beijing day of its last change (16:30 UTC is the next day in Beijing),
    so after a reactivation it has two periods of use, not one from `established_on`."""
    repository = PointRepository(AsyncMongoClient("mongodb://127.0.0.1:9", connect=False)["x"])
    doc = to_document(point().but(status=PointStatus.inactive, deactivation_reason="撤并"))
    doc.pop("status_changes")
    doc["updated_at"] = datetime(2019, 12, 14, 16, 30, tzinfo=UTC)
    stored = repository.from_doc(doc)
    assert stored.active_periods() == [(date(2019, 9, 1), date(2019, 12, 15))]
    again = stored.reactivate(today=date(2020, 3, 1))
    assert again.active_periods() == [
        (date(2019, 9, 1), date(2019, 12, 15)),
        (date(2020, 3, 1), None),
    ]
    active = to_document(point())
    active.pop("status_changes")
    assert repository.from_doc(active | {"updated_at": doc["updated_at"]}).status_changes == ()


def test_signals_are_the_signalled_reports_grouped_by_product() -> None:
    from datetime import UTC, datetime, timedelta

    from sanjin_risk_monitoring.domain.signal import signals_of

    bj, tj = point(), point(id="mp_2", province="120000")
    at = datetime(2019, 10, 9, tzinfo=UTC)
    kids = [
        (report(bj, id="rr_1", victim_age=30), at),
        (report(tj, id="rr_2", victim_age=30, model=" hk-100"), at + timedelta(hours=1)),
        (report(bj, id="rr_3", victim_age=30, severity=Severity.severe), at + timedelta(hours=2)),
        (
            report(bj, id="rr_4", victim_age=30, occurred_on=date(2019, 9, 20)),
            at + timedelta(hours=3),
        ),
    ]
    received = [(r.raise_signal(), t) for r, t in reversed(kids)]  # any order
    received.append((report(bj, id="rr_5", brand="Other"), at))  # not signalled: no signal
    (signal,) = signals_of(received, can_read=lambda p: True)
    assert (signal.reports, signal.provinces, signal.brand) == (
        4,
        ("110000", "120000"),
        "Happy Kid",
    )
    assert signal.raised_at == at + timedelta(hours=2)  # the third report raised it
    assert signal.risk_level is RiskLevel.serious  # severe → high, +1 signal
    assert (signal.first_occurred_on, signal.latest_occurred_on) == (
        date(2019, 9, 20),
        date(2019, 10, 1),
    )
    assert signal.id == f"2019|{signal.product_key}"
    (tianjin,) = signals_of(received, can_read=lambda p: p == "120000")
    assert tianjin.report_ids == ("rr_2",) and tianjin.reports == 4
