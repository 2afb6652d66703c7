"""Use cases of the survey service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import DomainError
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.events.surveys import SurveyResponseRecorded
from sanjin_shared.idempotency import Outcome, create_once, fingerprint
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Conflict
from sanjin_shared.usecases import change_record, envelopes, external_id_lookup, visible
from sanjin_survey.adapters.repository import ResponseRepository, StoredSurvey, SurveyRepository
from sanjin_survey.domain.survey import Scored, Survey

PRODUCER = "survey"


@dataclass(frozen=True, slots=True)
class Submission:
    respondent_id: str
    answers: dict[str, int]
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    id: str
    survey_id: str
    respondent_id: str
    index: float | None
    by_dimension: dict[str, float]
    created_at: datetime


class SurveyService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._surveys = SurveyRepository(uow.db)
        self._responses = ResponseRepository(uow.db)
        self._clock = clock

    async def publish(
        self,
        ctx: RequestContext,
        fields: dict[str, Any],
        *,
        province: str | None,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[StoredSurvey]:
        owner = ctx.principal.write_province(province)
        external_id = fields.get("external_id")

        async def create(tx: Transaction) -> StoredSurvey:
            now = self._clock()
            survey = Survey.publish(id=f"sv_{uuid.uuid4().hex}", province=owner, **fields)
            stored = await self._surveys.add(
                survey, fingerprint=request_fingerprint, now=now, session=tx.session
            )
            tx.publish(
                *envelopes(
                    survey.events, producer=PRODUCER, version=survey.version, ctx=ctx, now=now
                )
            )
            return stored  # type: ignore[return-value]

        return await create_once(
            self._uow,
            scope=f"survey:{owner}",
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            find_by_external_id=external_id_lookup(self._surveys, owner, external_id),
            create=create,
            load=lambda survey_id: self._visible(ctx, survey_id),
        )

    async def revise(
        self, ctx: RequestContext, survey_id: str, changes: dict[str, Any]
    ) -> StoredSurvey:
        return await self._change(ctx, survey_id, lambda s: s.revise(**changes))

    async def close(self, ctx: RequestContext, survey_id: str) -> StoredSurvey:
        return await self._change(ctx, survey_id, lambda s: s.close())

    async def respond(
        self,
        ctx: RequestContext,
        survey_id: str,
        respondent_id: str,
        answers: dict[str, int],
        channel: str | None,
    ) -> tuple[RecordedResponse, bool]:
        """Record a response once per respondent id (ODK instance id semantics)."""
        (outcome,) = await self.respond_many(
            ctx, survey_id, [Submission(respondent_id, answers, channel)]
        )
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def respond_many(
        self, ctx: RequestContext, survey_id: str, submissions: list[Submission]
    ) -> list[tuple[RecordedResponse, bool] | Exception]:
        """Record submissions in one transaction; each gets (response, created) or its error.

        A respondent id already recorded with the same answers gives the recorded response
        (created False); with other answers a 409; within one upload the first occurrence counts.
        """

        async def body(tx: Transaction) -> list[tuple[dict[str, Any], bool] | Exception]:
            stored = await self._visible(ctx, survey_id, tx.session)
            survey = stored.record
            prior = await self._responses.by_respondents(
                survey_id, list({s.respondent_id for s in submissions}), session=tx.session
            )
            now = self._clock()
            today = beijing_date(now)
            outcomes: list[tuple[dict[str, Any], bool] | Exception] = []
            new_docs: list[dict[str, Any]] = []
            scores: list[Scored] = []
            events: list[EventEnvelope] = []
            for sub in submissions:
                answers_fp = fingerprint(sub.answers)
                seen = prior.get(sub.respondent_id)
                if seen is not None:
                    if seen["fingerprint"] == answers_fp:
                        outcomes.append((seen, seen.get("_new", False)))
                    else:
                        outcomes.append(
                            Conflict(
                                "this respondent_id was submitted before with other answers",
                                slug="respondent-conflict",
                                response_id=seen["_id"],
                            )
                        )
                    continue
                try:
                    scored = survey.score(sub.answers, today=today)
                except DomainError as exc:
                    outcomes.append(exc)
                    continue
                doc = {
                    "_id": f"rsp_{uuid.uuid4().hex}",
                    "survey_id": survey_id,
                    "respondent_id": sub.respondent_id,
                    "province": survey.province,
                    "answers": sub.answers,
                    "channel": sub.channel,
                    "index": scored.index,
                    "by_dimension": scored.by_dimension,
                    "fingerprint": answers_fp,
                    "created_at": now,
                }
                prior[sub.respondent_id] = doc | {
                    "_new": False
                }  # a repeat later in the upload is ignored
                new_docs.append(doc)
                scores.append(scored)
                outcomes.append((doc, True))
                event = SurveyResponseRecorded(
                    id=doc["_id"],
                    survey_id=survey_id,
                    province=survey.province,
                    campaign=survey.campaign,
                    product_category=survey.product_category,
                    index=scored.index,
                    by_dimension=scored.by_dimension,
                )
                events.extend(envelopes((event,), producer=PRODUCER, version=1, ctx=ctx, now=now))
            if new_docs:
                await self._responses.add_many(new_docs, session=tx.session)
                await self._surveys.count_responses(survey, scores, session=tx.session)
                tx.publish(*events)
            return outcomes

        try:
            raw = await self._uow.run(body)
        except DuplicateKeyError:
            raw = await self._uow.run(body)  # a concurrent upload recorded some of these first
        out: list[tuple[RecordedResponse, bool] | Exception] = []
        for item in raw:
            if isinstance(item, Exception):
                out.append(item)
            else:
                doc, created = item
                out.append(
                    (
                        RecordedResponse(
                            doc["_id"],
                            survey_id,
                            doc["respondent_id"],
                            doc["index"],
                            doc["by_dimension"],
                            doc["created_at"],
                        ),
                        created,
                    )
                )
        return out

    async def get(self, ctx: RequestContext, survey_id: str) -> StoredSurvey:
        return await self._visible(ctx, survey_id)

    async def list(
        self, ctx: RequestContext, query: dict[str, Any], *, cursor: str | None, limit: int
    ) -> list[StoredSurvey]:
        return await self._surveys.list(ctx.scope(query), cursor=cursor, limit=limit)  # type: ignore[return-value]

    async def _visible(
        self, ctx: RequestContext, survey_id: str, session: Any = None
    ) -> StoredSurvey:
        return await visible(self._surveys, ctx, survey_id, what="survey", session=session)  # type: ignore[return-value]

    async def _change(
        self, ctx: RequestContext, survey_id: str, change: Callable[[Survey], Survey]
    ) -> StoredSurvey:
        return await change_record(  # type: ignore[return-value]
            self._uow,
            self._surveys,
            ctx,
            survey_id,
            lambda survey, _now: change(survey),
            what="survey",
            producer=PRODUCER,
            clock=self._clock,
        )
