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
    return ImportItem(
        index=index,
        fingerprint=fingerprint(item),
        province=item.province,
        external_id=item.external_id,
        details={
            "campaign": item.campaign,
            "kind": item.kind,
            "title": item.title,
            "venue_type": item.venue_type,
            "venue_name": item.venue_name,
            "city": item.city,
            "county": item.county,
            "scheduled_on": item.scheduled_on,
            "organizer": item.organizer,
            "formats": tuple(dict.fromkeys(item.formats)),
            "external_id": item.external_id,
        },
    )


def report_of(body: ActivityReportIn) -> Report:
    return Report(
        held_on=body.held_on,
        participants=body.participants,
        materials_distributed=body.materials_distributed,
        consultations=body.consultations,
        comparison_items_displayed=body.comparison_items_displayed,
        video_showings=body.video_showings,
        media_reports=body.media_reports,
        recommendations=tuple(body.recommendations),
    )
