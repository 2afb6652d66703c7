"""Use cases of the survey service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from pymongo.errors import DuplicateKeyError

from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.declaration import from_document
from sanjin_shared.declarations.surveys import ResponseRecord
from sanjin_shared.errors import DomainError
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.events.surveys import SurveyResponseRecorded
from sanjin_shared.idempotency import Outcome, fingerprint
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Conflict
from sanjin_shared.usecases import Records, envelopes
from sanjin_survey.adapters.repository import (
    ResponseRepository,
    StoredSurvey,
    SurveyFilter,
    SurveyRepository,
)
from sanjin_survey.domain.commands import PublishSurvey, Respond, ReviseSurvey
from sanjin_survey.domain.survey import Scored, Survey

PRODUCER = "survey"


RecordedResponse = ResponseRecord


class SurveyService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._surveys = SurveyRepository(uow.db)
        self._responses = ResponseRepository(uow.db)
        self._clock = clock
        self._records = Records(uow, self._surveys, "survey", PRODUCER, clock)

    async def publish(
        self,
        ctx: RequestContext,
        command: PublishSurvey,
        *,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[StoredSurvey]:
        province = ctx.principal.write_province(command.province)

        async def make(_tx: Transaction) -> Survey:
            return Survey.publish(
                id=f"sv_{uuid.uuid4().hex}",
                province=province,
                details=command,
                external_id=command.external_id,
            )

        outcome = await self._records.create(
            ctx, make, province, command.external_id, idempotency_key, request_fingerprint
        )
        return Outcome(self._surveys.with_moments(outcome.record), outcome.created)

    async def revise(
        self, ctx: RequestContext, survey_id: str, command: ReviseSurvey
    ) -> StoredSurvey:
        changes = command.model_dump(exclude_unset=True)
        return await self._change(ctx, survey_id, lambda s: s.revise(**changes))

    async def close(self, ctx: RequestContext, survey_id: str) -> StoredSurvey:
        return await self._change(ctx, survey_id, lambda s: s.close())

    async def respond(
        self, ctx: RequestContext, survey_id: str, submission: Respond
    ) -> tuple[RecordedResponse, bool]:
        """Record a response once per respondent id (ODK instance id semantics)."""
        (outcome,) = await self.respond_many(ctx, survey_id, [submission])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def respond_many(
        self, ctx: RequestContext, survey_id: str, submissions: list[Respond]
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
                                "该问卷编号已提交过且答案不同；已提交的问卷不能修改",
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
                doc: dict[str, Any] = {
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
                out.append((from_document(RecordedResponse, doc), created))
        return out

    async def get(self, ctx: RequestContext, survey_id: str) -> StoredSurvey:
        return await self._visible(ctx, survey_id)

    async def list(
        self, ctx: RequestContext, flt: SurveyFilter, *, cursor: str | None, limit: int
    ) -> list[StoredSurvey]:
        page = await self._records.list(ctx, flt, cursor=cursor, limit=limit)
        return [self._surveys.with_moments(s) for s in page]

    async def _visible(
        self, ctx: RequestContext, survey_id: str, session: Any = None
    ) -> StoredSurvey:
        found = await self._records.visible(ctx, survey_id, session=session)
        return self._surveys.with_moments(found)

    async def _change(
        self, ctx: RequestContext, survey_id: str, change: Callable[[Survey], Survey]
    ) -> StoredSurvey:
        changed = await self._records.change(ctx, survey_id, lambda survey, _now: change(survey))
        return self._surveys.with_moments(changed)
