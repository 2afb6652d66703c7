"""What a caller asks the survey service to do (typed, validated by their declarations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sanjin_shared.declaration import changes_of
from sanjin_shared.declarations.common import Intake
from sanjin_shared.declarations.surveys import ResponseDetails, SurveyDetails
from sanjin_survey.domain.survey import REVISABLE


class PublishSurvey(SurveyDetails, Intake):
    """Publish a satisfaction survey."""


# Change some of a survey (its questions only while it has no responses); for the type checker
# it is the declaration it is derived from.
if TYPE_CHECKING:
    ReviseSurvey = SurveyDetails
else:
    ReviseSurvey = changes_of(
        "ReviseSurvey",
        SurveyDetails,
        REVISABLE,
        doc="The fields to change; the others keep their values.",
    )

Respond = ResponseDetails
"""Submit a filled-in form (the same respondent id is accepted once)."""
