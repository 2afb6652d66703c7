"""What every create names beside the record's own fields."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sanjin_shared.api_types import ExternalId
from sanjin_shared.declaration import Declared
from sanjin_shared.reference import ProvinceCode


def external_id_field() -> Any:
    """The declaration of `external_id`, which every record type has (a create may name it)."""
    return Field(
        default=None,
        title="外部编号",
        description="The id the provincial system gives the record: a create under it happens "
        "once.",
        examples=["BJ-2019-0001"],
    )


class Intake(Declared):
    """The province a record belongs to and the provincial system's id of it."""

    external_id: ExternalId | None = external_id_field()
    province: ProvinceCode | None = Field(
        default=None,
        title="省份",
        description="Only for hq and admin; a province token writes its own.",
        examples=["110000"],
    )
