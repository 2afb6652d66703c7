"""The risk signals raised (`RiskSignalRaised`), read from the signalled reports they stand on
(`domain/signal.py`): headquarters, the national association and admin read them all, a province
those its own reports are part of, with its own reports named."""

from __future__ import annotations

from sanjin_risk_monitoring.adapters.repository import ReportRepository
from sanjin_risk_monitoring.domain.signal import RiskSignal, signals_of
from sanjin_shared.auth import Role
from sanjin_shared.context import RequestContext
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.pagination import decode_cursor, encode_cursor


class SignalService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._reports = ReportRepository(uow.db)

    async def list(
        self,
        ctx: RequestContext,
        *,
        campaign: str | None,
        province: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[RiskSignal], str | None]:
        """A page of the signals, the most recent first, and the cursor of the next page."""
        principal = ctx.principal
        if principal.role is Role.province:
            province = principal.province  # a province sees only signals it is part of
        stored = await self._reports.signalled(campaign)
        signals = signals_of(
            ((s.record, s.created_at) for s in stored), can_read=principal.can_read
        )
        wanted = [s for s in signals if province is None or s.involves(province)]
        if cursor:
            at, last = decode_cursor(cursor)
            wanted = [s for s in wanted if (s.raised_at, s.id) < (at, last)]
        page = wanted[:limit]
        more = len(wanted) > limit
        return page, encode_cursor(page[-1].raised_at, page[-1].id) if more else None
