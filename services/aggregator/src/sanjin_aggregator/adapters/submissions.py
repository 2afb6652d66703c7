"""MongoDB storage of report submissions and overdue notices (campaigns: adapters/campaigns.py).
All of their queries live here. A submission's document holds its whole history (steps,
snapshots, extensions)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sanjin_aggregator.domain.submission import Step, Submission, SubmissionStatus
from sanjin_shared.errors import ConcurrentModification

SUBMISSIONS = "submissions"
OVERDUE = "overdue_notices"


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
