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
            raise RuleViolation(sorted(unknown)[0], "此项不能修改")
        emptied = [name for name, value in changes.items() if value is None]
        if emptied:
            raise RuleViolation(emptied[0], "此项不能清空")
        self._require_open("修改")
        changed = self.but(**changes, version=self.version + 1)
        changed._check()
        if changed.capacity < self.confirmed:
            raise InvalidTransition(
                f"容量 {changed.capacity} 少于已确认的预约数 {self.confirmed}，请先取消部分预约"
            )
        if changed.venue_type is not self.venue_type and (
            self.confirmed or self.waitlisted or self.results
        ):
            raise InvalidTransition("本场活动已有预约或检测结果，场所类型不能修改")
        return changed._raised(InspectionSessionUpdated(session=changed.state()))

    def cancel(self, reason: str, *, bookings_cancelled: int) -> InspectionSession:
        self._require_open("取消")
        if self.results:
            raise InvalidTransition(f"本场活动已登记 {self.results} 条结果，活动已经举行，不能取消")
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
        self._require_open("预约")
        self._require_service(service)

    def check_accepts_result(self, service: InspectionService, *, today: dt.date) -> None:
        self._require_open("登记结果")
        self._require_service(service)
        if self.date > today:
            raise RuleViolation("service", f"活动日期是 {self.date}，当天之前不能登记结果")

    def _require_service(self, service: InspectionService) -> None:
        if service not in self.services:
            offered = "、".join(s.label_zh for s in self.services)
            raise RuleViolation("service", f"本场活动提供的服务是{offered}，没有{service.label_zh}")

    def _require_open(self, what: str) -> None:
        if not self.is_open:
            raise InvalidTransition(f"本场活动已取消，不能{what}")

    def _check(self) -> None:
        if not self.services:
            raise RuleViolation("services", "每场活动至少提供一项服务")
        if len(set(self.services)) != len(self.services):
            raise RuleViolation("services", "同一项服务不能重复填写")
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise RuleViolation("capacity", f"容量应在 1 至 {MAX_CAPACITY} 之间")

    def _raised(self, event: DomainEvent) -> InspectionSession:
        return self.raised(event)

    def state(self) -> InspectionSessionState:
        return state_of(InspectionSessionState, self)
