"""Request and response bodies of the risk_monitoring API (docs/api.md, risk_monitoring)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sanjin_risk_monitoring.domain.point import MonitoringPoint
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_shared.personal import PhoneNumber, mask_phone
from sanjin_shared.records import Stored
from sanjin_shared.reference import (
    HazardType,
    ProductCategory,
    ProvinceCode,
    RiskLevel,
    Severity,
    VenueType,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
CampaignId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_-]{1,32}$")
]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Capability = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PointCreate(Strict):
    campaign: CampaignId
    name: Text
    venue_type: VenueType
    city: Place
    county: Place
    address: Text
    host_organization: Text
    contact_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)
    ]
    contact_phone: PhoneNumber
    established_on: date
    capabilities: list[Capability] = Field(default_factory=list, max_length=20)
    external_id: ExternalId | None = None
    province: ProvinceCode | None = Field(default=None, description="Only for hq and admin.")


class PointUpdate(Strict):
    """The fields to change; the others keep their values."""

    name: Text | None = None
    venue_type: VenueType | None = None
    city: Place | None = None
    county: Place | None = None
    address: Text | None = None
    host_organization: Text | None = None
    contact_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] | None
    ) = None
    contact_phone: PhoneNumber | None = None
    established_on: date | None = None
    capabilities: list[Capability] | None = Field(default=None, max_length=20)


class EvaluationIn(Strict):
    evaluated_on: date
    score: int = Field(ge=0, le=100)
    evaluator: Text
    findings: LongText = ""


class DeactivateIn(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class EvaluationOut(BaseModel):
    evaluated_on: date
    score: int
    evaluator: str
    findings: str


class PointOut(BaseModel):
    id: str
    province: str
    campaign: str
    status: Literal["active", "inactive"]
    name: str
    venue_type: VenueType
    city: str
    county: str
    address: str
    host_organization: str
    contact_name: str
    contact_phone: str = Field(
        description="Masked (138****5678) unless the caller is the owning province or admin"
    )
    established_on: date
    capabilities: list[str]
    external_id: str | None
    latest_evaluation: EvaluationOut | None
    evaluations: list[EvaluationOut]
    deactivation_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, stored: Stored, *, full_phone: bool) -> PointOut:
        p: MonitoringPoint = stored.record
        latest = p.latest_evaluation

        def out(e: object) -> EvaluationOut:
            return EvaluationOut.model_validate(e, from_attributes=True)

        return cls(
            id=p.id,
            province=p.province,
            campaign=p.campaign,
            status=p.status.value,
            name=p.name,
            venue_type=p.venue_type,
            city=p.city,
            county=p.county,
            address=p.address,
            host_organization=p.host_organization,
            contact_name=p.contact_name,
            contact_phone=p.contact_phone if full_phone else mask_phone(p.contact_phone),
            established_on=p.established_on,
            capabilities=list(p.capabilities),
            external_id=p.external_id,
            latest_evaluation=out(latest) if latest else None,
            evaluations=[out(e) for e in p.evaluations],
            deactivation_reason=p.deactivation_reason,
            version=p.version,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class PointList(BaseModel):
    items: list[PointOut]
    next_cursor: str | None


class ReportCreate(Strict):
    monitoring_point_id: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    campaign: CampaignId
    occurred_on: date
    product_category: ProductCategory
    product_name: Text
    brand: Text
    model: Text
    hazard_type: HazardType
    severity: Severity
    injured: bool
    victim_age: int | None = Field(default=None, ge=0, le=120)
    victim_sex: Literal["female", "male", "unknown"] | None = None
    description: LongText = ""
    external_id: ExternalId | None = None
    province: ProvinceCode | None = Field(default=None, description="Only for hq and admin.")


class ReportOut(BaseModel):
    id: str
    province: str
    campaign: str
    monitoring_point_id: str
    venue_type: VenueType
    occurred_on: date
    product_category: ProductCategory
    product_name: str
    brand: str
    model: str
    hazard_type: HazardType
    severity: Severity
    injured: bool
    victim_age: int | None
    victim_sex: str | None
    description: str
    external_id: str | None
    risk_level: RiskLevel = Field(description="Computed by the triage of BRIEF.md, never given")
    signal: bool = Field(description="The product reached 3 reports in the campaign")
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, stored: Stored) -> ReportOut:
        r: RiskReport = stored.record
        return cls(
            **{
                k: getattr(r, k)
                for k in (
                    "id",
                    "province",
                    "campaign",
                    "monitoring_point_id",
                    "venue_type",
                    "occurred_on",
                    "product_category",
                    "product_name",
                    "brand",
                    "model",
                    "hazard_type",
                    "severity",
                    "injured",
                    "victim_age",
                    "victim_sex",
                    "description",
                    "external_id",
                    "signal",
                    "version",
                    "risk_level",
                )
            },
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class ReportList(BaseModel):
    items: list[ReportOut]
    next_cursor: str | None
