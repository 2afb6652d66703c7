"""MongoDB storage of reminders and of the units' contacts. All of their queries live here.

`reminders`: one document per campaign, unit, step and deadline (its `_id`), written with its
`SubmissionReminderSent` event in one transaction: a second writer's insert fails on the `_id`,
so a step is said once, even with several aggregator processes. The document also carries the
e-mail's delivery (`email.status`: pending → sending → sent, or failed after its attempts;
`none` when there is nobody to write to or no SMTP server). A sender claims a pending e-mail with
one conditional update, so two processes do not send it twice; a claim older than
`stale_after` (a process died while sending) is taken again.

`unit_contacts`: per unit, the addresses its reminders go to, kept by headquarters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_aggregator.domain.reminders import DueStep

REMINDERS = "reminders"
CONTACTS = "unit_contacts"
MAX_ATTEMPTS = 5


def reminder_id(campaign: str, province: str, step: DueStep) -> str:
    return f"{campaign}|{province}|{step.step}|{step.deadline.isoformat()}"


class ReminderRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[REMINDERS]
        self._contacts = db[CONTACTS]

    async def ensure_indexes(self) -> None:
        await self._col.create_indexes(
            [
                IndexModel([("campaign", ASCENDING), ("at", DESCENDING)], name="by_campaign"),
                IndexModel([("email.status", ASCENDING)], name="by_email_status"),
            ]
        )

    async def ids_of(self, campaign: str) -> set[str]:
        return {d["_id"] async for d in self._col.find({"campaign": campaign}, {"_id": 1})}

    async def exists(self, reminder: str, *, session: AsyncClientSession) -> bool:
        return await self._col.find_one({"_id": reminder}, {"_id": 1}, session=session) is not None

    async def add(
        self,
        campaign: str,
        province: str,
        step: DueStep,
        *,
        recipients: Sequence[str],
        mail: bool,
        subject: str,
        text: str,
        manual_by: str | None,
        now: datetime,
        session: AsyncClientSession,
    ) -> str:
        """Insert the reminder; a DuplicateKeyError says it exists (and aborts the transaction)."""
        _id = reminder_id(campaign, province, step)
        await self._col.insert_one(
            {
                "_id": _id,
                "campaign": campaign,
                "province": province,
                "step": step.step,
                "kind": step.kind,
                "days": step.days,
                "deadline": step.deadline,
                "at": now,
                "by": manual_by,
                "email": {
                    "status": "pending" if mail and recipients else "none",
                    "recipients": list(recipients),
                    "subject": subject,
                    "text": text,
                    "attempts": 0,
                },
            },
            session=session,
        )
        return _id

    async def of_campaign(self, campaign: str, province: str | None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"campaign": campaign}
        if province is not None:
            query["province"] = province
        return await self._col.find(query).sort([("at", DESCENDING), ("_id", ASCENDING)]).to_list()

    # -- e-mail delivery --------------------------------------------------------------------------------

    async def claim(self, *, now: datetime, stale_after: timedelta) -> dict[str, Any] | None:
        """Take one e-mail to send: pending, or claimed by a sender longer ago than stale_after."""
        return await self._col.find_one_and_update(
            {
                "$or": [
                    {"email.status": "pending"},
                    {"email.status": "sending", "email.claimed_at": {"$lt": now - stale_after}},
                ]
            },
            {"$set": {"email.status": "sending", "email.claimed_at": now}},
            sort=[("email.attempts", ASCENDING)],  # one that keeps failing does not hold up others
            return_document=ReturnDocument.AFTER,
        )

    async def sent(self, reminder: str, *, now: datetime) -> None:
        await self._col.update_one(
            {"_id": reminder},
            {"$set": {"email.status": "sent", "email.sent_at": now}, "$inc": {"email.attempts": 1}},
        )

    async def failed(self, reminder: str, attempts: int, error: str) -> None:
        """Back to pending for another round, or failed after MAX_ATTEMPTS."""
        await self._col.update_one(
            {"_id": reminder},
            {
                "$set": {
                    "email.status": "failed" if attempts + 1 >= MAX_ATTEMPTS else "pending",
                    "email.last_error": error[:500],
                },
                "$inc": {"email.attempts": 1},
            },
        )

    # -- contacts ---------------------------------------------------------------------------------------

    async def contacts(self) -> dict[str, dict[str, Any]]:
        return {d["_id"]: d async for d in self._contacts.find()}

    async def emails_of(self, province: str, *, session: AsyncClientSession) -> list[str]:
        doc = await self._contacts.find_one({"_id": province}, session=session)
        return list(doc["emails"]) if doc else []

    async def put_contacts(
        self,
        province: str,
        emails: Sequence[str],
        *,
        by: str,
        now: datetime,
        session: AsyncClientSession,
    ) -> None:
        await self._contacts.update_one(
            {"_id": province},
            {"$set": {"emails": list(emails), "updated_at": now, "updated_by": by}},
            upsert=True,
            session=session,
        )
