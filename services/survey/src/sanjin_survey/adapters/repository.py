"""MongoDB storage of surveys and responses. All of the service's queries live here.

A survey document also holds its running moments (n, Σ, Σ²), overall and per dimension, updated
with each response in the response's transaction: results never read the responses, and since
every response writes the survey document, a response and a change of questions cannot both
commit against the same version of the survey.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.filters import RecordFilter
from sanjin_shared.reference import ProductCategory
from sanjin_shared.repository import RecordRepository, Stored
from sanjin_survey.domain.index import Moments
from sanjin_survey.domain.survey import Scored, Survey, SurveyStatus

SURVEYS = "surveys"
RESPONSES = "responses"


async def ensure_indexes(db: AsyncDatabase[Any]) -> None:
    await SurveyRepository(db).ensure_indexes()
    await db[RESPONSES].create_index(
        [("survey_id", ASCENDING), ("respondent_id", ASCENDING)],
        name="one_per_respondent",
        unique=True,
    )


def _moments(raw: dict[str, Any] | None) -> Moments:
    raw = raw or {}
    return Moments(
        int(raw.get("n", 0)), float(raw.get("total", 0.0)), float(raw.get("total_sq", 0.0))
    )


@dataclass(frozen=True, slots=True)
class StoredSurvey(Stored[Survey]):
    """A survey with its running moments, overall and per dimension."""

    overall: Moments = field(default_factory=Moments)
    by_dimension: dict[str, Moments] = field(default_factory=dict)


class SurveyFilter(RecordFilter):
    """Which surveys a list shows: each field given narrows it."""

    campaign: str | None = None
    product_category: ProductCategory | None = None
    status: SurveyStatus | None = None


class SurveyRepository(RecordRepository[Survey]):
    collection = SURVEYS
    record_type = Survey

    def saved_fields(self, record: Survey, doc: dict[str, Any]) -> dict[str, Any]:
        """The count of responses is the database's: each response adds to it (never written
        from a read copy)."""
        return {k: v for k, v in doc.items() if k != "responses"}

    @staticmethod
    def with_moments(stored: Stored[Survey]) -> StoredSurvey:
        """A survey this repository read, as it read it: with its moments."""
        assert isinstance(stored, StoredSurvey)
        return stored

    def stored(self, doc: dict[str, Any]) -> StoredSurvey:
        # beside the record, the document holds the running moments of the responses' indices
        return StoredSurvey(
            self.from_doc(doc),
            doc["created_at"],
            doc["updated_at"],
            _moments(doc.get("stats")),
            {k: _moments(v) for k, v in (doc.get("dims") or {}).items()},
        )

    async def count_responses(
        self, survey: Survey, scored: list[Scored], *, session: AsyncClientSession
    ) -> None:
        """Add responses to the survey's count and moments, in one update."""
        inc: dict[str, float] = {"responses": len(scored)}

        def add(key: str, value: float) -> None:
            for part, amount in (("n", 1), ("total", value), ("total_sq", value * value)):
                inc[f"{key}.{part}"] = inc.get(f"{key}.{part}", 0) + amount

        for one in scored:
            if one.index is not None:
                add("stats", one.index)
            for dim, value in one.by_dimension.items():
                add(f"dims.{_field(dim)}", value)
        await self._col.update_one({"_id": survey.id}, {"$inc": inc}, session=session)


def _field(dimension: str) -> str:
    """A dimension name as a document key (no dots or leading dollars)."""
    return dimension.replace(".", "_").lstrip("$") or "_"


class ResponseRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[RESPONSES]

    async def by_respondents(
        self, survey_id: str, respondent_ids: list[str], *, session: AsyncClientSession
    ) -> dict[str, dict[str, Any]]:
        docs = self._col.find(
            {"survey_id": survey_id, "respondent_id": {"$in": respondent_ids}}, session=session
        )
        return {d["respondent_id"]: d async for d in docs}

    async def add_many(self, docs: list[dict[str, Any]], *, session: AsyncClientSession) -> None:
        if docs:
            await self._col.insert_many(docs, ordered=True, session=session)
