"""The register projection and the register as headquarters sees it (Attachment 2 of the notice)."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.client_session import AsyncClientSession

from sanjin_aggregator.adapters.register import RegisterStore
from sanjin_aggregator.adapters.windows import WindowStore
from sanjin_aggregator.domain.register import PointInCampaign, Window, in_campaign
from sanjin_shared.consumer import ConsumedEvent
from sanjin_shared.events.campaigns import CampaignEvent
from sanjin_shared.events.monitoring import MonitoringPointEvent, MonitoringPointState
from sanjin_shared.reference import PROVINCES

# column header (Chinese, as in the register form) -> how to read it off a point
ATTACHMENT_2: list[tuple[str, str]] = [
    ("省份", "province_name"),
    ("监测点名称", "name"),
    ("监测点类型", "venue_type_zh"),
    ("所在市", "city"),
    ("所在区县", "county"),
    ("详细地址", "address"),
    ("依托单位", "host_organization"),
    ("联系人", "contact_name"),
    ("联系电话", "contact_phone"),
    ("设立日期", "established_on"),
    ("监测能力", "capabilities_text"),
    ("状态", "status_zh"),
    ("评估次数", "evaluations"),
    ("最近评估日期", "latest_evaluated_on"),
    ("最近评估得分", "latest_score"),
]
_ORDER = {code: i for i, code in enumerate(PROVINCES)}


class RegisterProjector:
    """Keeps the newest state of every point; an older or repeated version changes nothing."""

    def __init__(self, store: RegisterStore) -> None:
        self._store = store

    async def apply(self, events: Sequence[ConsumedEvent], session: AsyncClientSession) -> None:
        newest: dict[str, tuple[int, MonitoringPointState]] = {}
        for e in events:
            if isinstance(e.event, MonitoringPointEvent):
                pid, version = e.envelope.aggregate_id, e.envelope.aggregate_version
                if pid not in newest or version > newest[pid][0]:
                    newest[pid] = (version, e.event.point)
        if not newest:
            return
        stored = await self._store.versions(list(newest), session)
        await self._store.replace(
            {pid: item for pid, item in newest.items() if item[0] > stored.get(pid, 0)},
            session,
            stored=stored.keys(),
        )


class WindowProjector:
    """Keeps each campaign's window from `sanjin.campaigns`; the newest version wins."""

    def __init__(self, store: WindowStore) -> None:
        self._store = store

    async def apply(self, events: Sequence[ConsumedEvent], session: AsyncClientSession) -> None:
        newest: dict[str, tuple[int, Window]] = {}
        for e in events:
            if isinstance(e.event, CampaignEvent):
                c, version = e.event.campaign, e.envelope.aggregate_version
                if c.id not in newest or version >= newest[c.id][0]:
                    newest[c.id] = (version, Window(c.starts_on, c.ends_on))
        if not newest:
            return
        stored = await self._store.versions(list(newest), session)
        await self._store.write(
            {cid: item for cid, item in newest.items() if item[0] >= stored.get(cid, 0)},
            session,
            stored=stored.keys(),
        )


async def points_in_campaign(
    register: RegisterStore, window: Window | None, province: str | None = None
) -> list[PointInCampaign]:
    """The points that play a part in the campaign of `window` (none for an unknown campaign)."""
    if window is None:
        return []
    found = (
        in_campaign(p, window) for p in await register.established_by(window.ends_on, province)
    )
    return [p for p in found if p is not None]


def ordered(points: list[PointInCampaign]) -> list[PointInCampaign]:
    """GB/T 2260 order of provinces (XPCC last), then by name."""
    return sorted(
        points, key=lambda p: (_ORDER.get(p.point.province, 99), p.point.name, p.point.id)
    )
