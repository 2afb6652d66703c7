"""Events of the `survey` service: satisfaction surveys of key consumer products."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.reference import ProductCategory
from sanjin_shared.topics import SURVEYS


class SurveyState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    province: str
    campaign: str
    product_category: ProductCategory
    title: str
    status: str  # open | closed
    opens_on: date
    closes_on: date
    questions: int
    dimensions: list[str]


class SurveyEvent(DomainEvent):
    aggregate_type = "survey"
    topic = SURVEYS.name

    survey: SurveyState

    def aggregate_id(self) -> str:
        return self.survey.id


class SurveyPublished(SurveyEvent):
    event_type = "SurveyPublished"


class SurveyRevised(SurveyEvent):
    event_type = "SurveyRevised"


class SurveyClosed(SurveyEvent):
    event_type = "SurveyClosed"


class SurveyResponseRecorded(DomainEvent):
    """One response and its index (BRIEF.md); the answers themselves stay in the survey service."""

    event_type = "SurveyResponseRecorded"
    aggregate_type = "survey_response"
    topic = SURVEYS.name

    id: str
    survey_id: str
    province: str
    campaign: str
    product_category: ProductCategory
    index: float | None
    by_dimension: dict[str, float]

    def aggregate_id(self) -> str:
        return self.id
