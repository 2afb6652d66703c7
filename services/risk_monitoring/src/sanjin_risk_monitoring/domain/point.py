"""A risk-information monitoring point (风险信息监测点) of the register, Attachment 2 of the notice.

Lifecycle: registered (active) → details updated, evaluated any number of times (the latest
evaluation counts), deactivated with a reason → reactivated. A point belongs to its province and
stands across campaigns: the days of each deactivation and reactivation are kept, so the periods
it was in use (`active_periods`) say in which campaigns it counts. Pure: no I/O.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sanjin_shared.declaration import state_of
from sanjin_shared.declarations.monitoring import (
    Evaluation,
    PointDetails,
    PointRecord,
    PointStatus,
    StatusChange,
)
from sanjin_shared.entity import Entity
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.monitoring import (
    ActivePeriod,
    EvaluationRecord,
    MonitoringPointDeactivated,
    MonitoringPointEvaluated,
    MonitoringPointEvent,
    MonitoringPointReactivated,
    MonitoringPointRegistered,
    MonitoringPointState,
    MonitoringPointUpdated,
)

# What a change of details may touch: all a province writes but the campaign.
EDITABLE = tuple(name for name in PointDetails.model_fields if name != "campaign")

__all__ = ["EDITABLE", "Evaluation", "MonitoringPoint", "PointStatus"]


class MonitoringPoint(PointRecord, Entity):
    """A monitoring point: its declared fields (`PointRecord`) and the rules of its lifecycle."""

    @classmethod
    def register(
        cls,
        *,
        id: str,
        province: str,
        details: PointDetails,
        external_id: str | None,
        today: date,
    ) -> MonitoringPoint:
        fields = {name: getattr(details, name) for name in PointDetails.model_fields}
        point = cls.new(id=id, province=province, external_id=external_id, **fields)
        point._check(today)
        return point._raised(MonitoringPointRegistered)

    def update(self, *, today: date, **changes: Any) -> MonitoringPoint:
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise RuleViolation(sorted(unknown)[0], "此项不能修改")
        emptied = [name for name, value in changes.items() if value is None]
        if emptied:
            raise RuleViolation(emptied[0], "此项不能清空")
        changed = self.but(**changes, version=self.version + 1)
        changed._check(today)
        return changed._raised(MonitoringPointUpdated)

    def evaluate(self, evaluation: Evaluation, *, today: date) -> MonitoringPoint:
        if evaluation.evaluated_on > today:
            raise RuleViolation("evaluated_on", "评估日期不能晚于今天")
        if evaluation.evaluated_on < self.established_on:
            raise RuleViolation("evaluated_on", "评估日期不能早于监测点设立日期")
        changed = self.but(evaluations=(*self.evaluations, evaluation), version=self.version + 1)
        return changed._raised(MonitoringPointEvaluated)

    def deactivate(self, reason: str, *, today: date) -> MonitoringPoint:
        if self.status is PointStatus.inactive:
            raise InvalidTransition("监测点已经停用")
        changed = self.but(
            status=PointStatus.inactive,
            deactivation_reason=reason,
            status_changes=(
                *self.status_changes,
                StatusChange(on=today, status=PointStatus.inactive),
            ),
            version=self.version + 1,
        )
        return changed._raised(MonitoringPointDeactivated)

    def reactivate(self, *, today: date) -> MonitoringPoint:
        if self.status is PointStatus.active:
            raise InvalidTransition("监测点已在使用中，无需重新启用")
        changed = self.but(
            status=PointStatus.active,
            deactivation_reason=None,
            status_changes=(
                *self.status_changes,
                StatusChange(on=today, status=PointStatus.active),
            ),
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
            raise RuleViolation("established_on", "设立日期不能晚于今天")

    def _raised(self, event_type: type[MonitoringPointEvent]) -> MonitoringPoint:
        return self.raised(event_type(point=self.state()))

    def state(self) -> MonitoringPointState:
        # every evaluation with its date, and the periods of use (what campaigns it counts in)
        return state_of(
            MonitoringPointState,
            self,
            evaluations=[
                EvaluationRecord(evaluated_on=e.evaluated_on, score=e.score, evaluator=e.evaluator)
                for e in self.evaluations
            ],
            active=[ActivePeriod(since=a, until=b) for a, b in self.active_periods()],
        )
