"""MongoDB storage of surveys and responses. All of the service's queries live here.

A survey document also holds its running moments (n, Σ, Σ²), overall and per dimension, updated
with each response in the response's transaction: results never read the responses, and since
every response writes the survey document, a response and a change of questions cannot both
commit against the same version of the survey.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.reference import ProductCategory
from sanjin_shared.repository import RecordRepository, Stored
from sanjin_survey.domain.index import Moments, Question
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


def _doc(s: Survey) -> dict[str, Any]:
    return {
        "_id": s.id,
        "province": s.province,
        "campaign": s.campaign,
        "product_category": s.product_category.value,
        "title": s.title,
        "questions": [
            {
                "id": q.id,
                "text": q.text,
                "dimension": q.dimension,
                "scale_max": q.scale_max,
                "weight": q.weight,
                "required": q.required,
            }
            for q in s.questions
        ],
        "opens_on": s.opens_on.isoformat(),
        "closes_on": s.closes_on.isoformat(),
        "external_id": s.external_id,
        "status": s.status.value,
        "version": s.version,
    }


def _survey(d: dict[str, Any]) -> Survey:
    return Survey(
        id=d["_id"],
        province=d["province"],
        campaign=d["campaign"],
        product_category=ProductCategory(d["product_category"]),
        title=d["title"],
        questions=tuple(Question(**q) for q in d["questions"]),
        opens_on=date.fromisoformat(d["opens_on"]),
        closes_on=date.fromisoformat(d["closes_on"]),
        external_id=d.get("external_id"),
        status=SurveyStatus(d["status"]),
        responses=d.get("responses", 0),
        version=d["version"],
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


class SurveyRepository(RecordRepository[Survey]):
    collection = SURVEYS

    def to_doc(self, record: Survey) -> dict[str, Any]:
        return _doc(record)

    def from_doc(self, doc: dict[str, Any]) -> Survey:
        return _survey(doc)

    def stored(self, doc: dict[str, Any]) -> StoredSurvey:
        return StoredSurvey(
            _survey(doc),
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
