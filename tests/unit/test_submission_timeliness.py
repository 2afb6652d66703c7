"""Timeliness of a unit's report (issue 21), pure, with the clock as an argument: the deadline is
inclusive to the end of its last second, the first submission decides, an extension (the
campaign's or the unit's) judges again every unit not approved, and approval settles it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.submission import Channel, Submission, SubmissionStatus
from sanjin_aggregator.domain.timeliness import Timeliness, days_late, is_on_time
from sanjin_shared.clock import BEIJING
from sanjin_shared.errors import InvalidTransition, RuleViolation

DEADLINE = datetime(2019, 11, 30, 23, 59, 59, tzinfo=BEIJING)
CAMPAIGN = Campaign("2019", date(2019, 9, 1), date(2019, 11, 30), DEADLINE)
MS = timedelta(milliseconds=1)


def submitted(
    at: datetime, s: Submission | None = None, campaign: Campaign = CAMPAIGN
) -> Submission:
    s = s or Submission("2019", "110000")
    return s.submit(campaign, summary="总结", snapshot={"participants": 1}, at=at, by="p")


@pytest.mark.parametrize(
    ("at", "on_time", "late"),
    [
        (DEADLINE - timedelta(days=3), True, 0),
        (DEADLINE, True, 0),
        (DEADLINE + timedelta(milliseconds=500), True, 0),  # 23:59:59.5 on the last day
        (DEADLINE + timedelta(milliseconds=999), True, 0),
        (DEADLINE + timedelta(seconds=1), False, 1),  # 00:00:00 the next day
        (DEADLINE + timedelta(days=1), False, 1),
        (DEADLINE + timedelta(days=1, seconds=1), False, 2),
        (DEADLINE + timedelta(days=9, hours=3), False, 10),
    ],
)
def test_the_deadline_is_inclusive_to_the_end_of_its_last_second(
    at: datetime, on_time: bool, late: int
) -> None:
    assert is_on_time(at, DEADLINE) is on_time
    assert days_late(at, DEADLINE) == late
    s = submitted(at)
    judged = s.timeliness(CAMPAIGN, at + timedelta(days=30))
    assert (judged.on_time, judged.days_late, judged.deadline) == (on_time, late, DEADLINE)
    assert s.events[0].submission.on_time is on_time


def test_a_deadline_given_with_milliseconds_still_ends_with_its_second() -> None:
    odd = DEADLINE + timedelta(milliseconds=250)
    assert is_on_time(DEADLINE + 999 * MS, odd)
    assert not is_on_time(DEADLINE + timedelta(seconds=1), odd)


def test_a_return_and_a_late_resubmission_do_not_make_a_unit_late() -> None:
    first = submitted(DEADLINE - timedelta(hours=1))
    returned = first.return_(CAMPAIGN, at=DEADLINE + timedelta(days=2), by="hq", comment="补充")
    again = submitted(DEADLINE + timedelta(days=3), returned)
    assert again.attempts == 2 and again.latest.on_time is False  # this delivery was after it
    judged = again.timeliness(CAMPAIGN, DEADLINE + timedelta(days=4))
    assert (judged.on_time, judged.days_late) == (True, 0)
    assert again.events[0].submission.on_time is True


def test_a_units_extension_judges_it_again_until_approval_settles_it() -> None:
    late = submitted(DEADLINE + timedelta(days=2))
    assert late.timeliness(CAMPAIGN, DEADLINE + timedelta(days=3)).on_time is False
    extended = late.extend(
        CAMPAIGN,
        deadline=DEADLINE + timedelta(days=5),
        reason="地震",
        at=DEADLINE + timedelta(days=3),
        by="hq",
    )
    assert extended.timeliness(CAMPAIGN, DEADLINE + timedelta(days=3)) == Timeliness(
        DEADLINE + timedelta(days=5), True, 0
    )
    assert extended.events[0].event_type == "SubmissionDeadlineExtended"
    assert extended.events[0].reason == "地震" and extended.version == late.version + 1
    assert extended.history[-1].action == "extended"

    approved = extended.approve(CAMPAIGN, at=DEADLINE + timedelta(days=4), by="hq")
    assert approved.events[0].submission.on_time is True
    # the campaign's deadline moves after approval: the approved unit keeps its judgement
    moved = replace(CAMPAIGN, report_deadline=DEADLINE - timedelta(days=20))
    assert approved.timeliness(moved, DEADLINE).on_time is True
    with pytest.raises(InvalidTransition):
        approved.extend(
            CAMPAIGN, deadline=DEADLINE + timedelta(days=9), reason="x", at=DEADLINE, by="hq"
        )
    # returned after approval: open again, judged again against the deadline in force
    reopened = approved.return_(moved, at=DEADLINE, by="hq", comment="重报")
    assert reopened.timeliness(moved, DEADLINE).deadline == DEADLINE + timedelta(days=5)


def test_changing_the_campaigns_deadline_judges_every_unit_not_approved() -> None:
    s = submitted(DEADLINE + timedelta(days=1))
    assert s.timeliness(CAMPAIGN, DEADLINE).on_time is False
    later = replace(CAMPAIGN, report_deadline=DEADLINE + timedelta(days=1))
    assert s.timeliness(later, DEADLINE).on_time is True
    earlier = replace(CAMPAIGN, report_deadline=DEADLINE - timedelta(days=2))
    on_time = submitted(DEADLINE - timedelta(days=1))
    assert on_time.timeliness(earlier, DEADLINE) == Timeliness(earlier.report_deadline, False, 1)


def test_a_missing_unit_counts_days_overdue_against_its_own_deadline() -> None:
    missing = Submission("2019", "110000")
    assert missing.timeliness(CAMPAIGN, DEADLINE + 500 * MS) == Timeliness(DEADLINE, None, 0)
    assert missing.timeliness(CAMPAIGN, DEADLINE + timedelta(days=2)).days_late == 2
    extended = missing.extend(
        CAMPAIGN, deadline=DEADLINE + timedelta(days=7), reason="系统故障", at=DEADLINE, by="hq"
    )
    assert extended.status is SubmissionStatus.missing
    assert extended.timeliness(CAMPAIGN, DEADLINE + timedelta(days=2)).days_late == 0


def test_an_extension_must_be_later_than_the_campaigns_deadline() -> None:
    missing = Submission("2019", "110000")
    for deadline in (DEADLINE, DEADLINE - timedelta(days=1)):
        with pytest.raises(RuleViolation):
            missing.extend(CAMPAIGN, deadline=deadline, reason="x", at=DEADLINE, by="hq")
    with pytest.raises(RuleViolation):
        missing.extend(CAMPAIGN, deadline=datetime(2019, 12, 5), reason="x", at=DEADLINE, by="hq")


def test_a_report_recorded_on_behalf_is_judged_on_its_arrival() -> None:
    arrived = DEADLINE - timedelta(hours=2)  # e-mailed in time, recorded the next morning
    s = Submission("2019", "110000").submit(
        CAMPAIGN,
        summary="邮件报送",
        snapshot={},
        at=DEADLINE + timedelta(hours=9),
        by="hq",
        channel=Channel.email,
        received_at=arrived,
        files=("f-1",),
    )
    assert s.timeliness(CAMPAIGN, DEADLINE + timedelta(days=1)).on_time is True
    assert (s.latest.channel, s.latest.files, s.latest.arrived_at) == ("email", ("f-1",), arrived)
    assert s.events[0].channel == "email"
    with pytest.raises(RuleViolation):  # it cannot arrive after it is recorded
        Submission("2019", "110000").submit(
            CAMPAIGN,
            summary="x",
            snapshot={},
            at=DEADLINE,
            by="hq",
            channel=Channel.paper,
            received_at=DEADLINE + timedelta(minutes=1),
        )
    with pytest.raises(RuleViolation):  # a receipt time belongs to a report recorded on behalf
        Submission("2019", "110000").submit(
            CAMPAIGN, summary="x", snapshot={}, at=DEADLINE, by="p", received_at=DEADLINE
        )
