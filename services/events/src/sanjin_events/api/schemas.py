"""Request and response bodies of the events API (docs/api.md, events)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sanjin_events.adapters.repository import StoredActivity
from sanjin_shared.reference import ActivityKind, EducationFormat, ProvinceCode, VenueType

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CampaignId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_-]{1,32}$")
]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Recommendation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]

# Upper bounds a regulator would find plausible for one activity; beyond them it is a typo.
MAX_PARTICIPANTS = 1_000_000
MAX_ITEMS = 10_000_000
MAX_SHOWINGS = 10_000
MAX_MEDIA_REPORTS = 10_000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActivityCreate(Strict):
    campaign: CampaignId
    kind: ActivityKind
    title: Text
    venue_type: VenueType
    venue_name: Text
    city: Place
    county: Place
    scheduled_on: date
    formats: list[EducationFormat] = Field(default_factory=list, max_length=4)
    organizer: Text
    external_id: ExternalId | None = None
    province: ProvinceCode | None = Field(
        default=None, description="Only for hq and admin; a province token writes its own."
    )


class ActivityReportIn(Strict):
    held_on: date
    participants: int = Field(ge=0, le=MAX_PARTICIPANTS)
    materials_distributed: int = Field(default=0, ge=0, le=MAX_ITEMS)
    consultations: int = Field(default=0, ge=0, le=MAX_PARTICIPANTS)
    comparison_items_displayed: int = Field(default=0, ge=0, le=MAX_ITEMS)
    video_showings: int = Field(default=0, ge=0, le=MAX_SHOWINGS)
    media_reports: int = Field(default=0, ge=0, le=MAX_MEDIA_REPORTS)
    recommendations: list[Recommendation] = Field(default_factory=list, max_length=100)


class ActivityCancelIn(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class ActivityReportOut(BaseModel):
    held_on: date
    participants: int
    materials_distributed: int
    consultations: int
    comparison_items_displayed: int
    video_showings: int
    media_reports: int
    recommendations: list[str]


class ActivityOut(BaseModel):
    id: str
    province: str
    campaign: str
    kind: ActivityKind
    status: str
    title: str
    venue_type: VenueType
    venue_name: str
    city: str
    county: str
    scheduled_on: date
    formats: list[EducationFormat]
    organizer: str
    external_id: str | None
    report: ActivityReportOut | None
    cancel_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, stored: StoredActivity) -> ActivityOut:
        a = stored.record
        report = None
        if a.report is not None:
            r = a.report
            report = ActivityReportOut(
                held_on=r.held_on,
                participants=r.participants,
                materials_distributed=r.materials_distributed,
                consultations=r.consultations,
                comparison_items_displayed=r.comparison_items_displayed,
                video_showings=r.video_showings,
                media_reports=r.media_reports,
                recommendations=list(r.recommendations),
            )
        return cls(
            id=a.id,
            province=a.province,
            campaign=a.campaign,
            kind=a.kind,
            status=a.status.value,
            title=a.title,
            venue_type=a.venue_type,
            venue_name=a.venue_name,
            city=a.city,
            county=a.county,
            scheduled_on=a.scheduled_on,
            formats=list(a.formats),
            organizer=a.organizer,
            external_id=a.external_id,
            report=report,
            cancel_reason=a.cancel_reason,
            version=a.version,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class ActivityList(BaseModel):
    items: list[ActivityOut]
    next_cursor: str | None
