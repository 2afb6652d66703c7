"""A satisfaction survey of a key consumer product, and the rules its responses obey. Pure.

A survey is open from creation until closed, and takes responses from `opens_on` to `closes_on`
(Beijing dates). Its questions cannot change once it has responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sanjin_shared.declaration import state_of
from sanjin_shared.declarations.surveys import SurveyDetails, SurveyRecord, SurveyStatus
from sanjin_shared.entity import Entity
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.surveys import (
    SurveyClosed,
    SurveyEvent,
    SurveyPublished,
    SurveyRevised,
    SurveyState,
)
from sanjin_survey.domain.index import dimension_indices, response_index

SCALES = frozenset({5, 7, 10})

# What a revision may change.
REVISABLE = ("title", "questions", "opens_on", "closes_on")

__all__ = ["REVISABLE", "Scored", "Survey", "SurveyStatus"]


@dataclass(frozen=True, slots=True)
class Scored:
    """A valid response's index, overall and per dimension."""

    index: float | None
    by_dimension: dict[str, float]


class Survey(SurveyRecord, Entity):
    """A survey: its declared fields (`SurveyRecord`) and the rules its responses obey."""

    @classmethod
    def publish(
        cls, *, id: str, province: str, details: SurveyDetails, external_id: str | None
    ) -> Survey:
        fields = {name: getattr(details, name) for name in SurveyDetails.model_fields}
        survey = cls.new(id=id, province=province, external_id=external_id, **fields)
        survey._check()
        return survey._raised(SurveyPublished)

    def revise(self, **changes: Any) -> Survey:
        unknown = set(changes) - set(REVISABLE)
        if unknown:
            raise RuleViolation(sorted(unknown)[0], "此项不能修改")
        emptied = [name for name, value in changes.items() if value is None]
        if emptied:
            raise RuleViolation(emptied[0], "此项不能清空")
        if self.status is SurveyStatus.closed:
            raise InvalidTransition("调查已结束，不能修改")
        questions = changes.get("questions")
        if questions is not None and questions != self.questions and self.responses:
            raise InvalidTransition("调查已收到问卷，题目不能修改")
        changed = self.but(**changes, version=self.version + 1)
        changed._check()
        return changed._raised(SurveyRevised)

    def close(self) -> Survey:
        if self.status is SurveyStatus.closed:
            raise InvalidTransition("调查已经结束")
        return self.but(status=SurveyStatus.closed, version=self.version + 1)._raised(SurveyClosed)

    def score(self, answers: Mapping[str, int], *, today: date) -> Scored:
        """Check a response against the survey and compute its index."""
        if self.status is SurveyStatus.closed:
            raise InvalidTransition("调查已结束，不再接收问卷")
        if today < self.opens_on:
            raise InvalidTransition(f"调查于 {self.opens_on.isoformat()} 开始，尚未开始")
        if today > self.closes_on:
            raise InvalidTransition(f"调查已于 {self.closes_on.isoformat()} 结束")
        known = {q.id: q for q in self.questions}
        for qid, value in answers.items():
            question = known.get(qid)
            if question is None:
                raise RuleViolation(f"answers.{qid}", "本调查没有这道题")
            if not 1 <= value <= question.scale_max:
                raise RuleViolation(f"answers.{qid}", f"得分须在 1 到 {question.scale_max} 之间")
        for q in self.questions:
            if q.required and q.id not in answers:
                raise RuleViolation(f"answers.{q.id}", "此题必须作答")
        return Scored(
            response_index(self.questions, answers), dimension_indices(self.questions, answers)
        )

    def _check(self) -> None:
        if not self.questions:
            raise RuleViolation("questions", "调查至少需要一道题")
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise RuleViolation("questions", "题目编号不能重复")
        for i, q in enumerate(self.questions):
            if q.scale_max not in SCALES:
                raise RuleViolation(
                    f"questions[{i}].scale_max",
                    f"量表只能是 {'、'.join(map(str, sorted(SCALES)))} 分制",
                )
            if not q.weight > 0:
                raise RuleViolation(f"questions[{i}].weight", "权重须大于 0")
        if self.closes_on < self.opens_on:
            raise RuleViolation("closes_on", "结束日期不能早于开始日期")

    def _raised(self, event_type: type[SurveyEvent]) -> Survey:
        return self.raised(event_type(survey=self.state()))

    def state(self) -> SurveyState:
        # the event counts the questions and lists their dimensions (meaning differs)
        return state_of(
            SurveyState,
            self,
            questions=len(self.questions),
            dimensions=list(dict.fromkeys(q.dimension for q in self.questions)),
        )
