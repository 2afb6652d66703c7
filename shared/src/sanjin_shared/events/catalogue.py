"""The event catalogue: every event type the platform publishes, by name.

Consumers decode envelopes through it; the JSON Schema snapshots in `schemas/` are generated from
it and checked by a test, so an incompatible change to an event cannot slip through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sanjin_shared.events.activities import (
    ActivityCancelled,
    ActivityReportCorrected,
    ActivityReported,
    ActivityRevised,
    ActivityScheduled,
)
from sanjin_shared.events.campaigns import CampaignChanged, CampaignDefined
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope
from sanjin_shared.events.inspection import (
    BookingCancelled,
    BookingConfirmed,
    BookingPromoted,
    BookingWaitlisted,
    InspectionResultRecorded,
    InspectionSessionCancelled,
    InspectionSessionScheduled,
    InspectionSessionUpdated,
)
from sanjin_shared.events.monitoring import (
    MonitoringPointDeactivated,
    MonitoringPointEvaluated,
    MonitoringPointReactivated,
    MonitoringPointRegistered,
    MonitoringPointUpdated,
    RiskReportReceived,
    RiskReportRetriaged,
    RiskSignalRaised,
)
from sanjin_shared.events.submissions import (
    SubmissionApproved,
    SubmissionDeadlineExtended,
    SubmissionDeadlineMissed,
    SubmissionReceived,
    SubmissionReminderSent,
    SubmissionReturned,
)
from sanjin_shared.events.surveys import (
    SurveyClosed,
    SurveyPublished,
    SurveyResponseRecorded,
    SurveyRevised,
)

CATALOGUE: dict[str, type[DomainEvent]] = {
    cls.event_type: cls
    for cls in (
        ActivityScheduled,
        ActivityRevised,
        ActivityReported,
        ActivityReportCorrected,
        ActivityCancelled,
        MonitoringPointRegistered,
        MonitoringPointUpdated,
        MonitoringPointEvaluated,
        MonitoringPointDeactivated,
        MonitoringPointReactivated,
        RiskReportReceived,
        RiskReportRetriaged,
        RiskSignalRaised,
        InspectionSessionScheduled,
        InspectionSessionUpdated,
        InspectionSessionCancelled,
        BookingConfirmed,
        BookingWaitlisted,
        BookingPromoted,
        BookingCancelled,
        InspectionResultRecorded,
        SurveyPublished,
        SurveyRevised,
        SurveyClosed,
        SurveyResponseRecorded,
        SubmissionReceived,
        SubmissionApproved,
        SubmissionReturned,
        SubmissionDeadlineMissed,
        SubmissionDeadlineExtended,
        SubmissionReminderSent,
        CampaignDefined,
        CampaignChanged,
    )
}

SCHEMA_DIR = Path(__file__).parent / "schemas"


class UnknownEvent(ValueError):
    pass


def decode(envelope: EventEnvelope) -> DomainEvent:
    """The typed payload of an envelope; raises for unknown types and invalid payloads.

    A payload of an older version is upcast step by step (`DomainEvent.upcasters`) to the
    version this build reads, so events written before an upgrade stay readable forever (a
    replay reads them all); a newer version than this build knows is refused.
    """
    cls = CATALOGUE.get(envelope.type)
    if cls is None:
        raise UnknownEvent(f"unknown event type {envelope.type!r}")
    payload, version = envelope.payload, envelope.version
    while version < cls.schema_version and version in cls.upcasters:
        try:
            payload, version = cls.upcasters[version](payload, envelope), version + 1
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UnknownEvent(
                f"{envelope.type} version {version} cannot be read: {exc!r}"
            ) from exc
    if version != cls.schema_version:
        raise UnknownEvent(
            f"{envelope.type} version {envelope.version} is not supported "
            f"(this build reads version {cls.schema_version})"
        )
    return cls.model_validate(payload)


def current_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for the envelope and every event at its current version."""
    schemas = {"EventEnvelope.json": EventEnvelope.model_json_schema()}
    for name, cls in CATALOGUE.items():
        schemas[f"{name}.v{cls.schema_version}.json"] = cls.model_json_schema()
    return schemas


def write_schema_snapshots(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, schema in current_schemas().items():
        path = directory / filename
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written
