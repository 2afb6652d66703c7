"""MongoDB storage of the campaigns headquarters defines (the write side: the aggregator's API
and the report deadlines read it). Each change raises the campaign's `version`, the aggregate
version of the event it publishes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_aggregator.domain.campaign import DEFAULT_CAMPAIGNS, Campaign

CAMPAIGNS = "campaigns"


class CampaignRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[CAMPAIGNS]

    async def seed_defaults(self) -> None:
        """Campaign 2019 exists unless an admin has defined it otherwise. It is known to every
        service without an event (version 0)."""
        for campaign in DEFAULT_CAMPAIGNS:
            await self._col.update_one(
                {"_id": campaign.id},
                {"$setOnInsert": _campaign_doc(campaign) | {"version": 0}},
                upsert=True,
            )

    async def put(
        self,
        campaign: Campaign,
        *,
        now: datetime,
        by: str,
        session: AsyncClientSession | None = None,
    ) -> tuple[int, bool]:
        """Create or replace: the campaign's new version, and whether it was created."""
        before = await self._col.find_one_and_update(
            {"_id": campaign.id},
            {
                "$set": _campaign_doc(campaign) | {"updated_at": now, "updated_by": by},
                "$inc": {"version": 1},
            },
            upsert=True,
            session=session,
        )
        return (int(before.get("version", 0)) + 1 if before else 1), before is None

    async def unannounced(self) -> list[Campaign]:
        """Campaigns written before campaigns were events (no version): never published."""
        return [_campaign(d) async for d in self._col.find({"version": {"$exists": False}})]

    async def announce(self, campaign_id: str, *, session: AsyncClientSession) -> bool:
        """Give an unannounced campaign version 1; False when another process did first."""
        result = await self._col.update_one(
            {"_id": campaign_id, "version": {"$exists": False}},
            {"$set": {"version": 1}},
            session=session,
        )
        return result.modified_count == 1

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
