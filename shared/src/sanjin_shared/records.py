"""What every intake service does with its records, written once.

- `RequestContext`: who asks (the verified principal) and the request's correlation id;
- `envelopes`: a record's new events in envelopes at its new version;
- `RecordRepository`: MongoDB storage of one kind of record (insert, optimistic save, get,
  external-id lookup, listing in a stable order), with the indexes every such collection has;
- `change_record`: load a record in a transaction, check the caller may see it, apply a domain
  change, save it and queue its events.

Records are the services' frozen domain dataclasses with `id`, `province`, `version` and
`events`; subclasses of `RecordRepository` map them to and from documents.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from fastapi import Depends, Request
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.audit import Actor
from sanjin_shared.auth import AnyPrincipal, CurrentPrincipal, Principal, Role
from sanjin_shared.clock import Clock
from sanjin_shared.errors import ConcurrentModification
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope
from sanjin_shared.idempotency import PriorRecord
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.pagination import after_cursor, encode_cursor
from sanjin_shared.problems import NotFound

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class RequestContext:
    principal: Principal
    correlation_id: str

    @property
    def actor(self) -> Actor:
        p = self.principal
        return Actor(p.sub, p.role.value, p.province, self.correlation_id)

    def scope(self, query: dict[str, Any]) -> dict[str, Any]:
        """A list query narrowed to the caller's province when the caller is a province."""
        if self.principal.role is Role.province:
            return query | {"province": self.principal.province}
        return query


async def request_context(request: Request, principal: CurrentPrincipal) -> RequestContext:
    return RequestContext(principal=principal, correlation_id=request.state.correlation_id)


Context = Annotated[RequestContext, Depends(request_context)]  # every role but viewer


async def reader_context(request: Request, principal: AnyPrincipal) -> RequestContext:
    return RequestContext(principal=principal, correlation_id=request.state.correlation_id)


ReaderContext = Annotated[RequestContext, Depends(reader_context)]  # viewer too: national reads


def envelopes(
    events: Sequence[DomainEvent],
    *,
    producer: str,
    version: int,
    ctx: RequestContext,
    now: datetime,
) -> list[EventEnvelope]:
    return [
        EventEnvelope.wrap(
            event,
            producer=producer,
            aggregate_version=version,
            correlation_id=ctx.correlation_id,
            causation_id=ctx.correlation_id,
            time=now,
        )
        for event in events
    ]


@dataclass(frozen=True, slots=True)
class Stored(Generic[R]):
    """A record with the bookkeeping the API shows."""

    record: R
    created_at: datetime
    updated_at: datetime

    @property
    def id(self) -> str:
        return self.record.id  # type: ignore[attr-defined,no-any-return]


def stored_time(moment: datetime) -> datetime:
    """A time as MongoDB keeps it (milliseconds), so what a write answers is what a read shows."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class RecordRepository(Generic[R]):
    collection: ClassVar[str]

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col: AsyncCollection[Any] = db[self.collection]

    # -- mapping (subclasses) ------------------------------------------------------------------------

    def to_doc(self, record: R) -> dict[str, Any]:
        raise NotImplementedError

    def from_doc(self, doc: dict[str, Any]) -> R:
        raise NotImplementedError

    def stored(self, doc: dict[str, Any]) -> Stored[R]:
        return Stored(self.from_doc(doc), doc["created_at"], doc["updated_at"])

    # -- indexes -------------------------------------------------------------------------------------

    async def ensure_indexes(self, *extra: IndexModel) -> None:
        await self._col.create_indexes(
            [
                IndexModel(
                    [("province", ASCENDING), ("external_id", ASCENDING)],
                    name="external_id_per_province",
                    unique=True,
                    partialFilterExpression={"external_id": {"$type": "string"}},
                ),
                IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)], name="list_order"),
                IndexModel(
                    [("province", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
                    name="list_by_province",
                ),
                *extra,
            ]
        )

    # -- writes --------------------------------------------------------------------------------------

    async def add(
        self, record: R, *, fingerprint: str, now: datetime, session: AsyncClientSession
    ) -> Stored[R]:
        """Insert a new record; returns it as a read would (no read needed)."""
        doc = self._new_doc(record, fingerprint, now)
        await self._col.insert_one(doc, session=session)
        return self.stored(doc)

    async def add_many(
        self, records: Sequence[tuple[R, str]], *, now: datetime, session: AsyncClientSession
    ) -> None:
        """Insert new records with the fingerprints of the requests that created them."""
        if records:
            await self._col.insert_many(
                [self._new_doc(r, fp, now) for r, fp in records], ordered=True, session=session
            )

    def _new_doc(self, record: R, fingerprint: str, now: datetime) -> dict[str, Any]:
        now = stored_time(now)
        return self.to_doc(record) | {
            "fingerprint": fingerprint,
            "created_at": now,
            "updated_at": now,
        }

    async def save(
        self,
        record: R,
        *,
        expected_version: int,
        now: datetime,
        session: AsyncClientSession,
        fingerprint: str | None = None,
    ) -> None:
        """Write a changed record; the version filter guards against lost updates."""
        doc = self.to_doc(record)
        record_id = doc.pop("_id")
        changes = self.saved_fields(record, doc)
        if fingerprint is not None:
            changes["fingerprint"] = fingerprint
        result = await self._col.update_one(
            {"_id": record_id, "version": expected_version, **self.save_guard(record)},
            {"$set": changes | {"updated_at": now}},
            session=session,
        )
        if result.matched_count != 1:
            raise ConcurrentModification(f"the record {record_id}")

    def saved_fields(self, record: R, doc: dict[str, Any]) -> dict[str, Any]:
        """The fields a save writes (subclasses leave out what the database keeps itself)."""
        return doc

    def save_guard(self, record: R) -> dict[str, Any]:
        """Extra conditions the stored document must meet for a save (beside the version)."""
        return {}

    # -- reads ---------------------------------------------------------------------------------------

    async def get(
        self, record_id: str, *, session: AsyncClientSession | None = None
    ) -> Stored[R] | None:
        doc = await self._col.find_one({"_id": record_id}, session=session)
        return self.stored(doc) if doc else None

    async def prior_by_external_id(
        self, province: str, external_id: str, *, session: AsyncClientSession
    ) -> PriorRecord | None:
        doc = await self._col.find_one(
            {"province": province, "external_id": external_id},
            {"_id": 1, "fingerprint": 1},
            session=session,
        )
        return PriorRecord(doc["_id"], doc["fingerprint"]) if doc else None

    async def list(
        self, query: dict[str, Any], *, cursor: str | None, limit: int
    ) -> list[Stored[R]]:
        """Records matching `query`, in creation order, after the cursor."""
        docs = (
            await self._col.find(query | after_cursor(cursor))
            .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
            .to_list()
        )
        return [self.stored(d) for d in docs]

    async def external_ids(self, query: dict[str, Any]) -> dict[str, str]:
        """external id -> id of the records matching `query` that have an external id (what a
        workbook import compares its rows with)."""
        docs = self._col.find(
            query | {"external_id": {"$type": "string"}}, {"_id": 1, "external_id": 1}
        )
        return {d["external_id"]: d["_id"] async for d in docs}


def external_id_lookup(
    repo: RecordRepository[R], province: str, external_id: str | None
) -> Callable[[Transaction], Awaitable[PriorRecord | None]] | None:
    """For `create_once`: the record already stored under this external id, if any (None: the
    request names no external id, so there is nothing to look up)."""
    if external_id is None:
        return None

    async def find(tx: Transaction) -> PriorRecord | None:
        return await repo.prior_by_external_id(province, external_id, session=tx.session)

    return find


def next_cursor(page: Sequence[Stored[Any]], limit: int) -> str | None:
    """The cursor after a full page of a list (None: the list ends here)."""
    if len(page) < limit or not page:
        return None
    last = page[-1]
    return encode_cursor(last.created_at, last.record.id)


async def visible(
    repo: RecordRepository[R],
    ctx: RequestContext,
    record_id: str,
    *,
    what: str,
    session: AsyncClientSession | None = None,
) -> Stored[R]:
    """The record, if it exists and the caller may see it (another province's is not found)."""
    stored = await repo.get(record_id, session=session)
    if stored is None or not ctx.principal.can_read(stored.record.province):  # type: ignore[attr-defined]
        raise NotFound(f"no {what} {record_id}")
    return stored


async def change_record(
    uow: UnitOfWork,
    repo: RecordRepository[R],
    ctx: RequestContext,
    record_id: str,
    change: Callable[[R, datetime], R],
    *,
    what: str,
    producer: str,
    clock: Clock,
) -> Stored[R]:
    """Apply a domain change to one record in a transaction, with its events; return it stored."""

    async def body(tx: Transaction) -> None:
        stored = await visible(repo, ctx, record_id, what=what, session=tx.session)
        now = clock()
        changed = change(stored.record, now)
        await repo.save(
            changed,
            expected_version=stored.record.version,  # type: ignore[attr-defined]
            now=now,
            session=tx.session,
        )
        tx.publish(
            *envelopes(
                changed.events,  # type: ignore[attr-defined]
                producer=producer,
                version=changed.version,  # type: ignore[attr-defined]
                ctx=ctx,
                now=now,
            )
        )

    await uow.run(body)  # a ConcurrentModification is answered by problems.py
    reloaded = await repo.get(record_id)
    assert reloaded is not None
    return reloaded
