"""Reminders (issue 20) with the clock injected, on the real MongoDB and a REAL SMTP server
(aiosmtpd, started here): each step fires once per unit, even with two aggregator processes at
once; none after a unit has submitted; a unit's extension moves its steps; escalations after the
deadline copy headquarters; every e-mail arrives at the SMTP server, to the unit's contacts."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.mail import SmtpConfig, SmtpMailer
from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.domain.reminders import ReminderPlan
from sanjin_aggregator.service.campaigns import CampaignService
from sanjin_aggregator.service.reminders import ReminderService
from sanjin_aggregator.service.submissions import SubmissionService
from sanjin_shared.audit import Actor
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import BEIJING
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import InvalidTransition
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.reference import PROVINCES
from tests.conftest import World
from tests.support.smtp import smtp_server

DEADLINE = datetime(2019, 11, 30, 23, 59, 59, tzinfo=BEIJING)
END = DEADLINE + timedelta(seconds=1)  # the end of the deadline's last second
HQ = RequestContext(Principal(sub="hq-1", role=Role.hq), "t")
SUBMITS, EXTENDED = "110000", "120000"
HQ_COPY = "duban@samr.example.gov.cn"


def province(code: str) -> RequestContext:
    return RequestContext(Principal(sub=f"p-{code}", role=Role.province, province=code), "t")


def address(code: str) -> str:
    return f"zhijian-{code}@example.gov.cn"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def db_name(world: World) -> AsyncIterator[str]:
    name = f"{world.name}_remind_{uuid.uuid4().hex[:8]}"
    yield name
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
    await client.drop_database(name)
    await client.close()


async def test_each_step_once_per_unit_none_after_submission_each_arrives(
    world: World, db_name: str
) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    try:
        with smtp_server() as inbox:
            clock = Clock(END - timedelta(days=10))
            db = client[db_name]
            uow = UnitOfWork(client, db, actor=Actor.system("tests"))
            plan = ReminderPlan(days_before=(7, 3, 1), days_after=(1, 3))
            mailer = SmtpMailer(SmtpConfig(inbox.host, inbox.port, "none", "sanjin@example.gov.cn"))

            def reminders() -> ReminderService:  # one per aggregator process
                return ReminderService(uow, plan, mailer=mailer, escalate_to=[HQ_COPY], clock=clock)

            submissions = SubmissionService(uow, StatisticsStore(db), clock=clock)
            await CampaignService(uow).define(
                HQ, "c", date(2019, 9, 1), date(2019, 11, 30), DEADLINE
            )
            for code in PROVINCES:
                await reminders().put_contacts(HQ, code, [address(code)])
            assert await reminders().remind() == []  # 10 days before: no step due

            async def round_of_two() -> Counter[str]:
                """Two processes at once; the steps said, by step."""
                a, b = await asyncio.gather(reminders().remind(), reminders().remind())
                assert not {(r.province, r.step) for r in a} & {(r.province, r.step) for r in b}
                return Counter(r.step for r in [*a, *b])

            clock.now = END - timedelta(days=7)  # exactly when the 7-day step falls due
            assert await round_of_two() == {"before-7d": 32}
            assert await round_of_two() == Counter()  # said once
            assert await reminders().deliver() == 32

            await submissions.submit(province(SUBMITS), "c", "已报送")
            clock.now = END - timedelta(days=5)
            await submissions.extend(HQ, "c", EXTENDED, DEADLINE + timedelta(days=5), "系统故障")
            assert await round_of_two() == Counter()  # the 7-day step was said already

            clock.now = END - timedelta(days=2, hours=12)
            assert await round_of_two() == {"before-3d": 30}  # not the submitted, not the extended
            # the extended unit, 5 days and an hour before its own deadline, hears its 7-day step
            clock.now = END - timedelta(hours=1)
            assert await round_of_two() == {"before-1d": 30, "before-7d": 1}
            clock.now = END + timedelta(days=1, minutes=1)  # after the deadline: escalations
            assert await round_of_two() == {"after-1d": 30}
            clock.now = END + timedelta(days=3)
            assert await round_of_two() == {"after-3d": 30, "before-3d": 1}
            with pytest.raises(InvalidTransition):
                await reminders().remind_now(HQ, "c", SUBMITS)  # it has submitted
            manual = await reminders().remind_now(HQ, "c", "130000")
            assert manual.step.startswith("manual-")
            assert await reminders().deliver() == 30 + 31 + 30 + 31 + 1

            docs = await db["reminders"].find().to_list()
            per_unit = Counter((d["province"], d["step"], d["deadline"]) for d in docs)
            assert set(per_unit.values()) == {1}  # each step once per unit and deadline
            assert {d["step"] for d in docs if d["province"] == SUBMITS} == {"before-7d"}
            assert all(d["email"]["status"] == "sent" for d in docs)
            outbox = [
                EventEnvelope.from_json(e["value"]) for e in await db["outbox"].find().to_list()
            ]
            said = Counter(
                (e.payload["province"], e.payload["step"])
                for e in outbox
                if e.type == "SubmissionReminderSent"
            )
            assert said == Counter((d["province"], d["step"]) for d in docs)

            # every e-mail arrived at the SMTP server, to the unit (and hq on escalations)
            received = inbox.received()
            assert len(received) == len(docs)
            by_unit = Counter()
            for mail in received:
                unit = next(c for c in PROVINCES if address(c) in mail.recipients)
                by_unit[unit] += 1
                assert PROVINCES[unit] in mail.text
                if "催报" in mail.subject:
                    assert HQ_COPY in mail.recipients and "已逾期" in mail.subject
                else:
                    assert mail.recipients == [address(unit)]
            assert by_unit == Counter(d["province"] for d in docs)
            assert sum("距截止还有7天" in m.subject for m in received) == 33
    finally:
        await client.close()


async def test_an_email_the_server_cannot_take_stays_pending(world: World, db_name: str) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    try:
        with smtp_server() as inbox:
            port = inbox.port
        # the server is gone: the reminder is said, its e-mail waits for the next round
        clock = Clock(END - timedelta(days=1))
        db = client[db_name]
        uow = UnitOfWork(client, db, actor=Actor.system("tests"))
        mailer = SmtpMailer(SmtpConfig("127.0.0.1", port, "none", "s@example.gov.cn", timeout_s=2))
        service = ReminderService(uow, ReminderPlan(), mailer=mailer, clock=clock)
        await CampaignService(uow).define(HQ, "c", date(2019, 9, 1), date(2019, 11, 30), DEADLINE)
        await service.put_contacts(HQ, "110000", [address("110000")])
        said = await service.remind()
        assert len(said) == 32
        assert await service.deliver() == 0
        doc = await db["reminders"].find_one({"province": "110000"})
        assert doc["email"]["status"] == "pending" and doc["email"]["attempts"] == 1
        others = await db["reminders"].count_documents({"email.status": "none"})
        assert others == 31  # nobody on file to write to
        with smtp_server() as back:
            service = ReminderService(
                uow,
                ReminderPlan(),
                mailer=SmtpMailer(SmtpConfig(back.host, back.port, "none", "s@example.gov.cn")),
                clock=clock,
            )
            assert await service.deliver() == 1
            assert [m.recipients for m in back.received()] == [[address("110000")]]
    finally:
        await client.close()
