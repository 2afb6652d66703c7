"""MongoDB storage of a service's records, written once: insert, version-checked save, get,
external-id lookup, lists in a stable order, and the indexes every such collection has.

A record is a declared model (`sanjin_shared.declaration`) with `id`, `province`, `version` and
`events`; its document is derived from the declaration (`to_document`/`from_document`), and a
repository overrides `to_doc`/`from_doc` only to add what the database keeps beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.declaration import from_document, to_document
from sanjin_shared.errors import ConcurrentModification
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.filters import RecordFilter
from sanjin_shared.idempotency import PriorRecord
from sanjin_shared.pagination import after_cursor, encode_cursor

__all__ = [
    "ConcurrentModification",
    "R",
    "RecordLike",
    "RecordRepository",
    "Stored",
    "next_cursor",
    "stored_time",
]


class RecordLike(Protocol):
    """What the repository base and the use-case helpers need of a record."""

    @property
    def id(self) -> str: ...

    @property
    def province(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def events(self) -> tuple[DomainEvent, ...]: ...


R = TypeVar("R", bound=RecordLike)


@dataclass(frozen=True, slots=True)
class Stored(Generic[R]):
    """A record with the bookkeeping the API shows."""

    record: R
    created_at: datetime
    updated_at: datetime

    @property
    def id(self) -> str:
        return self.record.id


def stored_time(moment: datetime) -> datetime:
    """A time as MongoDB keeps it (milliseconds), so what a write answers is what a read shows."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class RecordRepository(Generic[R]):
    collection: ClassVar[str]
    record_type: ClassVar[type[Any]]  # the record's class: a declared model

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col: AsyncCollection[Any] = db[self.collection]

    # -- mapping (derived from the declaration) ------------------------------------------------------------------------

    def to_doc(self, record: R) -> dict[str, Any]:
        assert isinstance(record, BaseModel)
        return to_document(record)

    def from_doc(self, doc: dict[str, Any]) -> R:
        record: R = from_document(self.record_type, doc)
        return record

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

    async def priors(self, province: str, external_ids: Iterable[str]) -> dict[str, PriorRecord]:
        """external id -> the id and fingerprint of the province's record stored under it."""
        docs = self._col.find(
            {"province": province, "external_id": {"$in": list(external_ids)}},
            {"_id": 1, "fingerprint": 1, "external_id": 1},
        )
        return {d["external_id"]: PriorRecord(d["_id"], d["fingerprint"]) async for d in docs}

    async def list(self, flt: RecordFilter, *, cursor: str | None, limit: int) -> list[Stored[R]]:
        """Records matching the filter, in creation order, after the cursor."""
        docs = (
            await self._col.find(flt.query() | after_cursor(cursor))
            .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
            .to_list()
        )
        return [self.stored(d) for d in docs]

    async def external_ids(
        self, province: str, campaigns: Iterable[str] | None = None
    ) -> dict[str, str]:
        """external id -> id of a province's records that have an external id, of some
        campaigns or of all (what a workbook import compares its rows with)."""
        query: dict[str, Any] = {"province": province, "external_id": {"$type": "string"}}
        if campaigns is not None:
            query["campaign"] = {"$in": sorted(campaigns)}
        docs = self._col.find(query, {"_id": 1, "external_id": 1})
        return {d["external_id"]: d["_id"] async for d in docs}

    async def with_external_ids(
        self, province: str, external_ids: Iterable[str]
    ) -> dict[str, Stored[R]]:
        """external id -> the province's record stored under it, for those that are."""
        docs = self._col.find({"province": province, "external_id": {"$in": list(external_ids)}})
        return {d["external_id"]: self.stored(d) async for d in docs}


def next_cursor(page: Sequence[Stored[Any]], limit: int) -> str | None:
    """The cursor after a full page of a list (None: the list ends here)."""
    if len(page) < limit or not page:
        return None
    last = page[-1]
    return encode_cursor(last.created_at, last.record.id)
