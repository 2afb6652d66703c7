"""A risk-information monitoring point (风险信息监测点) of the register, Attachment 2 of the notice.

Lifecycle: registered (active) → details updated, evaluated any number of times (the latest
evaluation counts), deactivated with a reason → reactivated. A point belongs to its province and
stands across campaigns: the days of each deactivation and reactivation are kept, so the periods
it was in use (`active_periods`) say in which campaigns it counts. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.monitoring import (
    ActivePeriod,
    EvaluationRecord,
    MonitoringPointDeactivated,
    MonitoringPointEvaluated,
    MonitoringPointReactivated,
    MonitoringPointRegistered,
    MonitoringPointState,
    MonitoringPointUpdated,
)
from sanjin_shared.reference import VenueType

EDITABLE = (
    "name",
    "venue_type",
    "city",
    "county",
    "address",
    "host_organization",
    "contact_name",
    "contact_phone",
    "established_on",
    "capabilities",
)


class PointStatus(StrEnum):
    active = "active"
    inactive = "inactive"


@dataclass(frozen=True, slots=True)
class Evaluation:
    evaluated_on: date
    score: int
    evaluator: str
    findings: str


@dataclass(frozen=True, slots=True)
class StatusChange:
    on: date  # Beijing date
    status: PointStatus


@dataclass(frozen=True, slots=True)
class MonitoringPoint:
    id: str
    province: str
    campaign: str
    name: str
    venue_type: VenueType
    city: str
    county: str
    address: str
    host_organization: str
    contact_name: str
    contact_phone: str
    established_on: date
    capabilities: tuple[str, ...] = ()
    external_id: str | None = None
    status: PointStatus = PointStatus.active
    evaluations: tuple[Evaluation, ...] = ()
    deactivation_reason: str | None = None
    status_changes: tuple[StatusChange, ...] = ()
    version: int = 1
    events: tuple[DomainEvent, ...] = field(default=(), compare=False)

    @classmethod
    def register(cls, *, today: date, **fields: object) -> MonitoringPoint:
        point = cls(**fields)  # type: ignore[arg-type]
        point._check(today)
        return point._raised(MonitoringPointRegistered)

    def update(self, *, today: date, **changes: object) -> MonitoringPoint:
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise RuleViolation(sorted(unknown)[0], "this field cannot be changed")
        changed = replace(self, **changes, version=self.version + 1)  # type: ignore[arg-type]
        changed._check(today)
        return changed._raised(MonitoringPointUpdated)

    def evaluate(self, evaluation: Evaluation, *, today: date) -> MonitoringPoint:
        if evaluation.evaluated_on > today:
            raise RuleViolation("evaluated_on", "evaluated_on cannot be in the future")
        if evaluation.evaluated_on < self.established_on:
            raise RuleViolation(
                "evaluated_on", "a point cannot be evaluated before it was established"
            )
        changed = replace(
            self, evaluations=(*self.evaluations, evaluation), version=self.version + 1
        )
        return changed._raised(MonitoringPointEvaluated)

    def deactivate(self, reason: str, *, today: date) -> MonitoringPoint:
        if self.status is PointStatus.inactive:
            raise InvalidTransition("the monitoring point is already inactive")
        changed = replace(
            self,
            status=PointStatus.inactive,
            deactivation_reason=reason,
            status_changes=(*self.status_changes, StatusChange(today, PointStatus.inactive)),
            version=self.version + 1,
        )
        return changed._raised(MonitoringPointDeactivated)

    def reactivate(self, *, today: date) -> MonitoringPoint:
        if self.status is PointStatus.active:
            raise InvalidTransition("the monitoring point is already active")
        changed = replace(
            self,
            status=PointStatus.active,
            deactivation_reason=None,
            status_changes=(*self.status_changes, StatusChange(today, PointStatus.active)),
            version=self.version + 1,
        )
        return changed._raised(MonitoringPointReactivated)

    def active_periods(self) -> list[tuple[date, date | None]]:
        """The spans it was in use: from `established_on`, each ended on the day of a
        deactivation (that day not included) and begun again on the day of a reactivation. A
        span of no day (deactivated on the day it began) is left out."""
        periods: list[tuple[date, date | None]] = []
        since: date | None = self.established_on
        for change in self.status_changes:
            if change.status is PointStatus.inactive and since is not None:
                if change.on > since:
                    periods.append((since, change.on))
                since = None
            elif change.status is PointStatus.active and since is None:
                since = max(change.on, self.established_on)
        if since is not None:
            periods.append((since, None))
        return periods

    @property
    def latest_evaluation(self) -> Evaluation | None:
        """The latest by date; of two on the same day, the one recorded last."""
        if not self.evaluations:
            return None
        return max(enumerate(self.evaluations), key=lambda e: (e[1].evaluated_on, e[0]))[1]

    def _check(self, today: date) -> None:
        if self.established_on > today:
            raise RuleViolation("established_on", "established_on cannot be in the future")

    def _raised(self, event_type: type[DomainEvent]) -> MonitoringPoint:
        return replace(self, events=(event_type(point=self.state()),))  # type: ignore[call-arg]

    def state(self) -> MonitoringPointState:
        return MonitoringPointState(
            id=self.id,
            province=self.province,
            campaign=self.campaign,
            name=self.name,
            venue_type=self.venue_type,
            city=self.city,
            county=self.county,
            address=self.address,
            host_organization=self.host_organization,
            contact_name=self.contact_name,
            contact_phone=self.contact_phone,
            established_on=self.established_on,
            capabilities=list(self.capabilities),
            status=self.status.value,
            evaluations=[
                EvaluationRecord(evaluated_on=e.evaluated_on, score=e.score, evaluator=e.evaluator)
                for e in self.evaluations
            ],
            active=[ActivePeriod(since=a, until=b) for a, b in self.active_periods()],
            deactivation_reason=self.deactivation_reason,
        )
