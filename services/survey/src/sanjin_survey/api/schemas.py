"""Request and response bodies of the survey API (docs/api.md, survey): the commands and the
declared records (`sanjin_shared.declarations.surveys`), under the names the API documents."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field

from sanjin_shared.api_types import Page
from sanjin_shared.declaration import Shown
from sanjin_shared.declarations.surveys import ResponseRecord, SurveyRecord
from sanjin_survey.adapters.repository import StoredSurvey
from sanjin_survey.domain.commands import PublishSurvey, Respond, ReviseSurvey
from sanjin_survey.domain.index import Moments, estimate


class SurveyCreate(PublishSurvey):
    """A satisfaction survey to publish."""


class SurveyUpdate(ReviseSurvey):
    """The fields to change; the others keep their values."""


class ResponseIn(Respond):
    """A filled-in form."""


class SurveyOut(SurveyRecord, Shown):
    """A survey as the service keeps it."""

    created_at: datetime = Field(title="创建时间")
    updated_at: datetime = Field(title="更新时间")

    @classmethod
    def of(cls, stored: StoredSurvey) -> Self:
        return cls.model_validate(
            stored.record.model_dump()
            | {"created_at": stored.created_at, "updated_at": stored.updated_at}
        )


class SurveyList(Page[SurveyOut]):
    """A page of surveys."""


class ResponseOut(ResponseRecord, Shown):
    """A recorded response: its index, overall and per dimension."""

    @classmethod
    def of(cls, recorded: ResponseRecord) -> Self:
        return cls.model_validate(recorded.model_dump())


class EstimateOut(BaseModel):
    responses: int
    satisfaction_index: float | None
    ci95: tuple[float, float] | None
    unstable: bool

    @classmethod
    def of(cls, m: Moments) -> EstimateOut:
        e = estimate(m)
        return cls(responses=e.n, satisfaction_index=e.index, ci95=e.ci95, unstable=e.unstable)


class Results(EstimateOut):
    survey_id: str
    by_dimension: dict[str, EstimateOut]
