"""Request bodies turned into the use cases' commands, shared by the JSON and the Excel routes."""

from __future__ import annotations

from sanjin_events.api.schemas import ActivityCreate, ActivityReportIn
from sanjin_events.domain.activity import Report
from sanjin_events.service.batch import ImportItem
from sanjin_shared.idempotency import fingerprint


def batch_item(index: int, item: ActivityCreate, *, province: str | None = None) -> ImportItem:
    """An activity of a batch (`:batch` item or workbook row); `province` fills in an item that
    names none (the `province` of a workbook upload)."""
    if province is not None and item.province is None:
        item = item.model_copy(update={"province": province})
    return ImportItem(index=index, fingerprint=fingerprint(item), command=item)


def report_of(body: ActivityReportIn) -> Report:
    """The figures of a report body, as the activity keeps them (its own type, so that the same
    figures sent again compare equal to the stored ones)."""
    return Report.model_validate(body.model_dump())
