"""The campaigns an intake service knows, and the one rule every create follows.

The aggregator defines campaigns and publishes `CampaignDefined` / `CampaignChanged` on
`sanjin.campaigns` (one partition, kept forever: a few events a year). Every intake service
keeps its own copy in memory, read from the topic by `CampaignReader`, so no service asks
another. Campaign 2019 is known without any event.

The rule (`CampaignBook.check`): a record names a known campaign (422 `unknown-campaign`) and
its date lies in the campaign's window, both days included (422 `outside-campaign`, with the
window in the message). A campaign the book does not know yet is looked for once more after
reading the topic up to its current end, so a campaign defined a moment ago is usable as soon
as its event is on the topic, without a restart; when the topic cannot be read in time the
answer is 503 (try again), never a wrong refusal.

The reader is lighter than the aggregator's `IdempotentConsumer` on purpose: it keeps no offsets
and joins no consumer group; every process reads the whole topic at start and then follows it,
and keeps the newest version of each campaign. It also keeps them in the service's own database
(`campaigns_known`, a few documents), read first at start, so a process started while the broker
is away still knows every campaign an earlier process read.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from sanjin_shared.api_types import CampaignId
from sanjin_shared.app import Platform, PlatformDep
from sanjin_shared.auth import AnyPrincipal
from sanjin_shared.batch import ItemConflict
from sanjin_shared.events.campaigns import DEFAULT_CAMPAIGNS as DEFAULT_CAMPAIGN_STATES
from sanjin_shared.events.campaigns import CampaignEvent
from sanjin_shared.events.catalogue import decode
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.kafka import client_kwargs
from sanjin_shared.logging import get_logger
from sanjin_shared.problems import NotFound, Problem
from sanjin_shared.settings import KafkaClientSettings
from sanjin_shared.topics import CAMPAIGNS, physical

log = get_logger(__name__)
T = TypeVar("T")
KNOWN = "campaigns_known"


@dataclass(frozen=True, slots=True)
class CampaignWindow:
    id: str
    starts_on: date
    ends_on: date
    version: int = 0  # of the campaign's events; 0 for a campaign known by default

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def text(self) -> str:
        return f"{self.starts_on.isoformat()} 至 {self.ends_on.isoformat()}"


DEFAULT_CAMPAIGNS: tuple[CampaignWindow, ...] = tuple(
    CampaignWindow(c.id, c.starts_on, c.ends_on) for c in DEFAULT_CAMPAIGN_STATES
)


class UnknownCampaign(Problem):
    status, slug = 422, "unknown-campaign"

    def __init__(self, campaign: str) -> None:
        detail = (
            f"活动批次“{campaign}”不存在，请核对批次编号 (no campaign {campaign!r}; headquarters "
            "defines campaigns)"
        )
        super().__init__(
            detail, errors=[{"field": "campaign", "message": detail}], campaign=campaign
        )


class OutsideCampaign(Problem):
    status, slug = 422, "outside-campaign"

    def __init__(self, window: CampaignWindow, field: str, day: date) -> None:
        detail = (
            f"{day.isoformat()} 不在活动批次“{window.id}”的时间范围（{window.text()}）内 "
            f"({field} {day.isoformat()} is outside campaign {window.id}, "
            f"{window.starts_on.isoformat()} to {window.ends_on.isoformat()})"
        )
        super().__init__(
            detail,
            errors=[{"field": field, "message": detail}],
            campaign=window.id,
            starts_on=window.starts_on.isoformat(),
            ends_on=window.ends_on.isoformat(),
        )


class OutsideEveryCampaign(Problem):
    """A record dated by no campaign it names (a point's evaluation): its date lies in the
    window of no known campaign."""

    status, slug = 422, "outside-every-campaign"

    def __init__(self, field: str, day: date, windows: Sequence[CampaignWindow]) -> None:
        known = "; ".join(f"{w.id}: {w.text()}" for w in windows) or "-"
        detail = (
            f"{day.isoformat()} 不在任何活动批次的时间范围内（{known}） "
            f"({field} {day.isoformat()} lies in the window of no campaign)"
        )
        super().__init__(detail, errors=[{"field": field, "message": detail}])


class CampaignsUnavailable(Problem):
    status, slug = 503, "campaigns-unavailable"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} could not be confirmed now (the campaigns topic is not reachable); try "
            "again shortly",
            headers={"Retry-After": "5"},
        )


class CampaignBook:
    """Campaign id -> window; the newest version of each wins."""

    def __init__(
        self,
        windows: Iterable[CampaignWindow] = DEFAULT_CAMPAIGNS,
        *,
        catch_up: Callable[[], Any] | None = None,
    ) -> None:
        self._windows = {w.id: w for w in windows}
        self._catch_up = catch_up  # async () -> bool: read the topic to its end now

    def get(self, campaign: str) -> CampaignWindow | None:
        return self._windows.get(campaign)

    def all(self) -> list[CampaignWindow]:
        return sorted(self._windows.values(), key=lambda w: w.id)

    def apply(self, window: CampaignWindow) -> bool:
        known = self._windows.get(window.id)
        if known is not None and known.version > window.version:
            return False
        self._windows[window.id] = window
        return True

    def require(
        self, campaign: str, day: date, field: str, *, earlier_ok: bool = False
    ) -> CampaignWindow:
        """The rule, on what the book knows now. `earlier_ok`: a date before the window passes
        too (a monitoring point set up before the campaign it is registered in)."""
        window = self._windows.get(campaign)
        if window is None:
            raise UnknownCampaign(campaign)
        if day > window.ends_on or (day < window.starts_on and not earlier_ok):
            raise OutsideCampaign(window, field, day)
        return window

    async def known(self, campaign: str) -> CampaignWindow | None:
        """The campaign's window; one not known yet is looked for again at the topic's end."""
        missing = campaign not in self._windows and self._catch_up is not None
        if missing and not await self._catch_up():  # type: ignore[misc]
            raise CampaignsUnavailable(f"campaign {campaign!r}")
        return self._windows.get(campaign)

    async def check(
        self, campaign: str, day: date, field: str, *, earlier_ok: bool = False
    ) -> CampaignWindow:
        """The rule; a campaign not known yet is looked for again at the topic's end."""
        await self.known(campaign)
        return self.require(campaign, day, field, earlier_ok=earlier_ok)

    def holding(self, day: date) -> list[CampaignWindow]:
        """The campaigns whose window holds the day."""
        return [w for w in self.all() if w.holds(day)]

    async def dated(self, day: date, field: str) -> list[CampaignWindow]:
        """The campaigns a record dated `day` belongs to (a point's evaluation names none: its
        date decides); none known, after reading the topic to its end, is 422
        `outside-every-campaign`."""
        caught_up = self.holding(day) or self._catch_up is None or await self._catch_up()
        if not caught_up:
            raise CampaignsUnavailable(f"the campaign of {day.isoformat()}")
        found = self.holding(day)
        if not found:
            raise OutsideEveryCampaign(field, day, self.all())
        return found

    async def screen(
        self,
        items: Sequence[tuple[int, T]],
        dated: Callable[[T], tuple[str, date, str]],
        *,
        earlier_ok: bool = False,
    ) -> tuple[list[tuple[int, T]], list[ItemConflict]]:
        """Split a batch's (index, item) pairs into those that pass the rule and the conflicts of
        the others; `dated` gives an item's (campaign, date, name of the date's field)."""
        passed: list[tuple[int, T]] = []
        refused: list[ItemConflict] = []
        for index, item in items:
            try:
                await self.check(*dated(item), earlier_ok=earlier_ok)
            except (UnknownCampaign, OutsideCampaign) as exc:
                external_id = getattr(item, "external_id", None)
                refused.append(ItemConflict.of_error(index, exc, external_id=external_id))
                continue
            passed.append((index, item))
        return passed, refused


def window_of(event: CampaignEvent, version: int) -> CampaignWindow:
    c = event.campaign
    return CampaignWindow(c.id, c.starts_on, c.ends_on, version)


class CampaignReader:
    """Follows `sanjin.campaigns` into a `CampaignBook` (background task of an intake service)."""

    def __init__(
        self,
        *,
        bootstrap: str,
        topic_prefix: str = "",
        catch_up_timeout_s: float = 5.0,
        windows: Iterable[CampaignWindow] = DEFAULT_CAMPAIGNS,
        known: AsyncCollection[Any] | None = None,
        settings: KafkaClientSettings | None = None,
    ) -> None:
        self._known = known
        self._bootstrap = bootstrap
        self._settings = settings  # the security (TLS, SASL); by default the environment's
        self._topic = physical(CAMPAIGNS.name, topic_prefix)
        self._timeout = catch_up_timeout_s
        self.book = CampaignBook(windows, catch_up=self.catch_up)
        self._consumer: AIOKafkaConsumer | None = None
        self._partitions: list[TopicPartition] = []
        self._next: dict[TopicPartition, int] = {}  # the next offset to read, per partition
        self._read = asyncio.Condition()  # notified after every fetch
        self._stopping = asyncio.Event()

    async def load(self) -> None:
        """The campaigns an earlier process kept in the service's database."""
        if self._known is None:
            return
        async for d in self._known.find():
            self.book.apply(
                CampaignWindow(
                    d["_id"],
                    date.fromisoformat(d["starts_on"]),
                    date.fromisoformat(d["ends_on"]),
                    d["version"],
                )
            )

    async def _keep(self, window: CampaignWindow) -> None:
        if self._known is None:
            return
        with contextlib.suppress(DuplicateKeyError):  # a newer version is kept already
            await self._known.update_one(
                {"_id": window.id, "version": {"$lte": window.version}},
                {
                    "$set": {
                        "starts_on": window.starts_on.isoformat(),
                        "ends_on": window.ends_on.isoformat(),
                        "version": window.version,
                    }
                },
                upsert=True,
            )

    async def run(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                await self._open()
                delay = 0.5
                while not self._stopping.is_set():
                    await self._fetch()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker away: keep what is known, try again
                log.warning("campaigns topic not readable", error=repr(exc), retry_in_s=delay)
                await self._close()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=delay)
                delay = min(delay * 2, 10.0)
        await self._close()

    async def stop(self) -> None:
        self._stopping.set()

    async def catch_up(self, timeout_s: float | None = None) -> bool:
        """Read the topic up to its end as it is now; False when that cannot be done in time."""
        try:
            async with asyncio.timeout(self._timeout if timeout_s is None else timeout_s):
                while self._consumer is None:
                    async with self._read:
                        await self._read.wait()
                consumer = self._consumer
                ends = await consumer.end_offsets(self._partitions)
                async with self._read:
                    await self._read.wait_for(
                        lambda: (
                            self._consumer is not consumer
                            or all(self._next.get(tp, 0) >= end for tp, end in ends.items())
                        )
                    )
                return self._consumer is consumer
        except (TimeoutError, Exception) as exc:
            log.warning("campaigns not caught up", error=repr(exc))
            return False

    async def _open(self) -> None:
        consumer = AIOKafkaConsumer(
            **client_kwargs(self._bootstrap, settings=self._settings),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        await consumer.start()
        try:
            found = consumer.partitions_for_topic(self._topic)
            if not found:
                await consumer._client.force_metadata_update()  # a fresh client knows no topic
                found = consumer.partitions_for_topic(self._topic)
            if not found:
                raise RuntimeError(f"topic {self._topic} does not exist (run `sanjin topics`)")
            self._partitions = [TopicPartition(self._topic, p) for p in sorted(found)]
            consumer.assign(self._partitions)
            await consumer.seek_to_beginning(*self._partitions)
            self._next = {}
        except BaseException:
            await consumer.stop()
            raise
        self._consumer = consumer
        async with self._read:
            self._read.notify_all()

    async def _fetch(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        batch = await consumer.getmany(timeout_ms=200, max_records=500)
        for tp, messages in batch.items():
            for msg in messages:
                self._next[tp] = msg.offset + 1
                try:
                    envelope = EventEnvelope.from_json(msg.value)
                    event = decode(envelope)
                except Exception as exc:  # not a campaign event this build reads: skip it
                    log.warning("campaign event skipped", offset=msg.offset, error=repr(exc))
                    continue
                if isinstance(event, CampaignEvent):
                    window = window_of(event, envelope.aggregate_version)
                    if self.book.apply(window):
                        log.info("campaign known", campaign=window.id, version=window.version)
                        await self._keep(window)
        async with self._read:
            self._read.notify_all()

    async def _close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(consumer.stop(), timeout=5)
        async with self._read:
            self._read.notify_all()


async def start_campaign_reader(platform: Platform) -> None:
    """Start-up hook of an intake service: follow the campaigns topic, and wait (a few seconds at
    most) until what it holds now is read. `platform.extras["campaigns"]` is the book."""
    settings = platform.settings
    reader = CampaignReader(
        bootstrap=settings.kafka_bootstrap,
        topic_prefix=settings.topic_prefix,
        catch_up_timeout_s=settings.campaign_catch_up_s,
        known=platform.db[KNOWN],
        settings=settings,
    )
    await reader.load()
    platform.campaigns = reader
    platform.tasks.append(asyncio.create_task(reader.run(), name="campaign-reader"))
    await reader.catch_up()


async def stop_campaign_reader(platform: Platform) -> None:
    if platform.campaigns is not None:
        await platform.campaigns.stop()


async def get_campaigns(platform: PlatformDep) -> CampaignBook:
    if platform.campaigns is None:
        raise RuntimeError("this process keeps no copy of the campaigns")
    return platform.campaigns.book


Campaigns = Annotated[CampaignBook, Depends(get_campaigns)]


class KnownCampaign(BaseModel):
    """A campaign as an intake service knows it: its records are dated inside this window."""

    campaign: str = Field(title="活动批次", examples=["2019"])
    starts_on: date = Field(title="开始日期", examples=["2019-09-01"])
    ends_on: date = Field(title="结束日期", examples=["2019-11-30"])


def campaigns_router() -> APIRouter:
    """`GET /v1/campaigns/{campaign}` of an intake service: the window it holds its records to
    (what its copy of the campaigns topic says now; a campaign it does not know yet is looked
    for at the topic's end first). A system checks here that a campaign headquarters defined a
    moment ago is accepted."""
    router = APIRouter(prefix="/v1", tags=["campaigns"])

    @router.get(
        "/campaigns/{campaign}",
        operation_id="campaigns-get",
        response_model=KnownCampaign,
        summary="A campaign as this service accepts it (its window)",
        responses={404: {"description": "No such campaign (yet)"}},
    )
    async def get_known_campaign(
        campaign: CampaignId, _caller: AnyPrincipal, book: Campaigns
    ) -> KnownCampaign:
        window = await book.known(campaign)
        if window is None:
            raise NotFound(
                f"活动批次“{campaign}”不存在 (no campaign {campaign!r} here; headquarters "
                "defines campaigns)"
            )
        return KnownCampaign(campaign=window.id, starts_on=window.starts_on, ends_on=window.ends_on)

    return router
