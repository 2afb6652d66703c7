"""A satisfaction survey of a key consumer product, and the rules its responses obey. Pure.

A survey is open from creation until closed, and takes responses from `opens_on` to `closes_on`
(Beijing dates). Its questions cannot change once it has responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.surveys import SurveyClosed, SurveyPublished, SurveyRevised, SurveyState
from sanjin_shared.reference import ProductCategory
from sanjin_survey.domain.index import Question, dimension_indices, response_index

SCALES = frozenset({5, 7, 10})


class SurveyStatus(StrEnum):
    open = "open"
    closed = "closed"


@dataclass(frozen=True, slots=True)
class Scored:
    """A valid response's index, overall and per dimension."""

    index: float | None
    by_dimension: dict[str, float]


@dataclass(frozen=True, slots=True)
class Survey:
    id: str
    province: str
    campaign: str
    product_category: ProductCategory
    title: str
    questions: tuple[Question, ...]
    opens_on: date
    closes_on: date
    external_id: str | None = None
    status: SurveyStatus = SurveyStatus.open
    responses: int = 0
    version: int = 1
    events: tuple[DomainEvent, ...] = field(default=(), compare=False)

    @classmethod
    def publish(cls, **fields: object) -> Survey:
        survey = cls(**fields)  # type: ignore[arg-type]
        survey._check()
        return survey._raised(SurveyPublished)

    def revise(
        self,
        *,
        title: str | None = None,
        questions: tuple[Question, ...] | None = None,
        opens_on: date | None = None,
        closes_on: date | None = None,
    ) -> Survey:
        if self.status is SurveyStatus.closed:
            raise InvalidTransition("a closed survey cannot be changed")
        if questions is not None and questions != self.questions and self.responses:
            raise InvalidTransition("the questions cannot change once the survey has responses")
        changed = replace(
            self,
            title=title or self.title,
            questions=questions if questions is not None else self.questions,
            opens_on=opens_on or self.opens_on,
            closes_on=closes_on or self.closes_on,
            version=self.version + 1,
        )
        changed._check()
        return changed._raised(SurveyRevised)

    def close(self) -> Survey:
        if self.status is SurveyStatus.closed:
            raise InvalidTransition("the survey is already closed")
        return replace(self, status=SurveyStatus.closed, version=self.version + 1)._raised(
            SurveyClosed
        )

    def score(self, answers: Mapping[str, int], *, today: date) -> Scored:
        """Check a response against the survey and compute its index."""
        if self.status is SurveyStatus.closed:
            raise InvalidTransition("the survey is closed and takes no more responses")
        if today < self.opens_on:
            raise InvalidTransition(f"the survey opens on {self.opens_on.isoformat()}")
        if today > self.closes_on:
            raise InvalidTransition(f"the survey closed on {self.closes_on.isoformat()}")
        known = {q.id: q for q in self.questions}
        for qid, value in answers.items():
            question = known.get(qid)
            if question is None:
                raise RuleViolation(f"answers.{qid}", "no such question in this survey")
            if not 1 <= value <= question.scale_max:
                raise RuleViolation(
                    f"answers.{qid}", f"the score must be 1 to {question.scale_max}"
                )
        for q in self.questions:
            if q.required and q.id not in answers:
                raise RuleViolation(f"answers.{q.id}", "this question must be answered")
        return Scored(
            response_index(self.questions, answers), dimension_indices(self.questions, answers)
        )

    def _check(self) -> None:
        if not self.questions:
            raise RuleViolation("questions", "a survey needs at least one question")
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise RuleViolation("questions", "question ids must be unique")
        for i, q in enumerate(self.questions):
            if q.scale_max not in SCALES:
                raise RuleViolation(f"questions[{i}].scale_max", "the scale is 5, 7 or 10")
            if not q.weight > 0:
                raise RuleViolation(f"questions[{i}].weight", "weights are positive")
        if self.closes_on < self.opens_on:
            raise RuleViolation("closes_on", "closes_on is before opens_on")

    def _raised(self, event_type: type[DomainEvent]) -> Survey:
        return replace(self, events=(event_type(survey=self.state()),))  # type: ignore[call-arg]

    def state(self) -> SurveyState:
        return SurveyState(
            id=self.id,
            province=self.province,
            campaign=self.campaign,
            product_category=self.product_category,
            title=self.title,
            status=self.status.value,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            questions=len(self.questions),
            dimensions=list(dict.fromkeys(q.dimension for q in self.questions)),
        )
