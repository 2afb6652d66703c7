"""What every create names beside the record's own fields."""

from __future__ import annotations

from pydantic import Field

from sanjin_shared.api_types import ExternalId
from sanjin_shared.declaration import Declared
from sanjin_shared.reference import ProvinceCode


class Intake(Declared):
    """The province a record belongs to and the provincial system's id of it."""

    external_id: ExternalId | None = Field(
        default=None,
        title="外部编号",
        description="The id the provincial system gives the record: a create under it happens "
        "once.",
        examples=["BJ-2019-0001"],
    )
    province: ProvinceCode | None = Field(
        default=None,
        title="省份",
        description="Only for hq and admin; a province token writes its own.",
        examples=["110000"],
    )
