"""What a caller asks the risk_monitoring service to do (typed, validated by their declarations)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints

from sanjin_risk_monitoring.domain.point import EDITABLE
from sanjin_shared.declaration import Declared, changes_of
from sanjin_shared.declarations.common import Intake
from sanjin_shared.declarations.monitoring import Evaluation, PointDetails, ReportDetails


class RegisterPoint(PointDetails, Intake):
    """Register a monitoring point (Attachment 2 of the notice)."""


# Change some of a point's details (all a province writes but the campaign); for the type
# checker it is the declaration it is derived from.
if TYPE_CHECKING:
    UpdatePoint = PointDetails
else:
    UpdatePoint = changes_of(
        "UpdatePoint",
        PointDetails,
        EDITABLE,
        doc="The fields to change; the others keep their values.",
    )

EvaluatePoint = Evaluation
"""Record an evaluation of a point."""


class DeactivatePoint(Declared):
    """Deactivate a point, with the reason."""

    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ] = Field(title="停用原因", examples=["监测点撤并"])


class ReceiveReport(ReportDetails, Intake):
    """Report product-risk information from an active monitoring point."""
