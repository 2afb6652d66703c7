"""An inspection session (检验检测服务活动): a technical institution's on-site session of free
testing, certification advice, consumer consultation and genuine-vs-fake identification.

Lifecycle: scheduled → details changed any number of times → cancelled (with a reason; its open
bookings are cancelled with it). A session whose results are recorded took place and cannot be
cancelled.

The counters `confirmed`, `waitlisted` and `results` are kept by the database: bookings and
results change them with conditional updates in their own transactions (see the repository),
which is what guarantees "never more confirmed bookings than capacity" across processes. The
rules here decide with the counters as read; the database re-checks them when it writes.
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanjin_shared.declaration import state_of
from sanjin_shared.declarations.inspection import (
    MAX_CAPACITY,
    SessionDetails,
    SessionRecord,
    SessionStatus,
)
from sanjin_shared.entity import Entity
from sanjin_shared.errors import InvalidTransition, RuleViolation
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.events.inspection import (
    InspectionSessionCancelled,
    InspectionSessionScheduled,
    InspectionSessionState,
    InspectionSessionUpdated,
)
from sanjin_shared.reference import InspectionService

# What a change of details may touch: all a province writes but the campaign.
EDITABLE = tuple(name for name in SessionDetails.model_fields if name != "campaign")

__all__ = ["EDITABLE", "MAX_CAPACITY", "InspectionSession", "SessionStatus"]


class InspectionSession(SessionRecord, Entity):
    """A session: its declared fields (`SessionRecord`) and its rules."""

    @classmethod
    def schedule(
        cls, *, id: str, province: str, details: SessionDetails, external_id: str | None
    ) -> InspectionSession:
        fields = {name: getattr(details, name) for name in SessionDetails.model_fields}
        session = cls.new(id=id, province=province, external_id=external_id, **fields)
        session._check()
        return session._raised(InspectionSessionScheduled(session=session.state()))

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0) if self.is_open else 0

    @property
    def is_open(self) -> bool:
        return self.status is SessionStatus.scheduled

    def update(self, **changes: Any) -> InspectionSession:
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise RuleViolation(sorted(unknown)[0], "this field cannot be changed")
        emptied = [name for name, value in changes.items() if value is None]
        if emptied:
            raise RuleViolation(emptied[0], "cannot be emptied")
        self._require_open("changed")
        changed = self.but(**changes, version=self.version + 1)
        changed._check()
        if changed.capacity < self.confirmed:
            raise InvalidTransition(
                f"capacity {changed.capacity} is below the {self.confirmed} confirmed bookings; "
                "cancel bookings first"
            )
        if changed.venue_type is not self.venue_type and (
            self.confirmed or self.waitlisted or self.results
        ):
            raise InvalidTransition(
                "the venue type cannot change once the session has bookings or results"
            )
        return changed._raised(InspectionSessionUpdated(session=changed.state()))

    def cancel(self, reason: str, *, bookings_cancelled: int) -> InspectionSession:
        self._require_open("cancelled")
        if self.results:
            raise InvalidTransition(
                f"the session has {self.results} recorded results: it took place"
            )
        changed = self.but(
            status=SessionStatus.cancelled,
            cancellation_reason=reason,
            confirmed=0,
            waitlisted=0,
            version=self.version + 1,
        )
        return changed._raised(
            InspectionSessionCancelled(
                session=changed.state(), bookings_cancelled=bookings_cancelled
            )
        )

    def check_bookable(self, service: InspectionService) -> None:
        self._require_open("booked")
        self._require_service(service)

    def check_accepts_result(self, service: InspectionService, *, today: dt.date) -> None:
        self._require_open("given results")
        self._require_service(service)
        if self.date > today:
            raise RuleViolation(
                "service",
                f"the session is on {self.date}: no results before it",
                zh=f"活动日期为 {self.date}，活动举办前不能登记结果",
            )

    def _require_service(self, service: InspectionService) -> None:
        if service not in self.services:
            offered = ", ".join(s.value for s in self.services)
            raise RuleViolation(
                "service",
                f"the session offers {offered}, not {service.value}",
                zh="本场活动不提供" + service.label_zh,
            )

    def _require_open(self, what: str) -> None:
        if not self.is_open:
            raise InvalidTransition(f"the session is cancelled and cannot be {what}")

    def _check(self) -> None:
        if not self.services:
            raise RuleViolation("services", "a session offers at least one service")
        if len(set(self.services)) != len(self.services):
            raise RuleViolation("services", "a service is listed twice", zh="服务项目重复")
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise RuleViolation("capacity", f"capacity is between 1 and {MAX_CAPACITY}")

    def _raised(self, event: DomainEvent) -> InspectionSession:
        return self.raised(event)

    def state(self) -> InspectionSessionState:
        return state_of(InspectionSessionState, self)
