"""MongoDB storage of campaigns, report submissions and overdue notices. All of their queries
live here. A submission's document holds its whole history (steps, snapshots, extensions)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sanjin_aggregator.domain.campaign import DEFAULT_CAMPAIGNS, Campaign
from sanjin_aggregator.domain.submission import Step, Submission, SubmissionStatus
from sanjin_shared.errors import ConcurrentModification

CAMPAIGNS = "campaigns"
SUBMISSIONS = "submissions"
OVERDUE = "overdue_notices"


class CampaignRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[CAMPAIGNS]

    async def seed_defaults(self) -> None:
        """Campaign 2019 exists unless an admin has defined it otherwise."""
        for campaign in DEFAULT_CAMPAIGNS:
            await self._col.update_one(
                {"_id": campaign.id}, {"$setOnInsert": _campaign_doc(campaign)}, upsert=True
            )

    async def put(
        self,
        campaign: Campaign,
        *,
        now: datetime,
        by: str,
        session: AsyncClientSession | None = None,
    ) -> bool:
        """Create or replace; True when it was created."""
        result = await self._col.update_one(
            {"_id": campaign.id},
            {"$set": _campaign_doc(campaign) | {"updated_at": now, "updated_by": by}},
            upsert=True,
            session=session,
        )
        return result.upserted_id is not None

    async def get(
        self, campaign_id: str, *, session: AsyncClientSession | None = None
    ) -> Campaign | None:
        doc = await self._col.find_one({"_id": campaign_id}, session=session)
        return _campaign(doc) if doc else None

    async def all(self) -> list[Campaign]:
        return [_campaign(d) async for d in self._col.find().sort("_id", ASCENDING)]


def _campaign_doc(c: Campaign) -> dict[str, Any]:
    return {
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat(),
        "report_deadline": c.report_deadline,
    }


def _campaign(doc: dict[str, Any]) -> Campaign:
    return Campaign(
        id=doc["_id"],
        starts_on=date.fromisoformat(doc["starts_on"]),
        ends_on=date.fromisoformat(doc["ends_on"]),
        report_deadline=doc["report_deadline"],
    )


class SubmissionRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[SUBMISSIONS]
        self._overdue = db[OVERDUE]

    async def ensure_indexes(self) -> None:
        await self._col.create_indexes([IndexModel([("campaign", ASCENDING)], name="by_campaign")])
        await self._overdue.create_indexes(
            [IndexModel([("campaign", ASCENDING)], name="by_campaign")]
        )

    async def get(
        self, campaign: str, province: str, *, session: AsyncClientSession | None = None
    ) -> Submission:
        doc = await self._col.find_one({"_id": f"{campaign}|{province}"}, session=session)
        return _submission(doc) if doc else Submission(campaign=campaign, province=province)

    async def of_campaign(self, campaign: str) -> dict[str, Submission]:
        docs = self._col.find({"campaign": campaign})
        return {d["province"]: _submission(d) async for d in docs}

    async def save(
        self, s: Submission, *, expected_version: int, now: datetime, session: AsyncClientSession
    ) -> None:
        doc = {
            "campaign": s.campaign,
            "province": s.province,
            "status": s.status.value,
            "history": [asdict(step) for step in s.history],
            "version": s.version,
            "updated_at": now,
        }
        if expected_version == 0:
            try:
                await self._col.insert_one({"_id": s.id, **doc}, session=session)
            except DuplicateKeyError as exc:
                raise ConcurrentModification(f"the submission {s.id}") from exc
            return
        result = await self._col.update_one(
            {"_id": s.id, "version": expected_version}, {"$set": doc}, session=session
        )
        if result.matched_count != 1:
            raise ConcurrentModification(f"the submission {s.id}")

    # -- overdue notices ----------------------------------------------------------------------------

    async def overdue_of(self, campaign: str) -> set[str]:
        return {d["province"] async for d in self._overdue.find({"campaign": campaign})}

    async def is_noted_overdue(
        self, campaign: str, province: str, *, session: AsyncClientSession
    ) -> bool:
        return (
            await self._overdue.find_one({"_id": f"{campaign}|{province}"}, session=session)
            is not None
        )

    async def note_overdue(
        self, campaign: str, province: str, *, now: datetime, session: AsyncClientSession
    ) -> None:
        """Record that the province is overdue. The unique _id makes a second notice fail (a
        DuplicateKeyError aborts the transaction that tried), so it is said once."""
        await self._overdue.insert_one(
            {
                "_id": f"{campaign}|{province}",
                "campaign": campaign,
                "province": province,
                "at": now,
            },
            session=session,
        )


def _submission(doc: dict[str, Any]) -> Submission:
    return Submission(
        campaign=doc["campaign"],
        province=doc["province"],
        status=SubmissionStatus(doc["status"]),
        history=tuple(
            Step(
                **{
                    **step,
                    "files": tuple(step.get("files", ())),
                    "cases": tuple(step.get("cases", ())),
                }
            )
            for step in doc["history"]
        ),
        version=doc["version"],
    )
