"""Create-once semantics of docs/api.md: `Idempotency-Key` headers and `external_id`s.

Repeating a create with the same key (or the same external id) and the same body returns the
original record and changes nothing; the same key with a different body is a 409. Both checks
run inside the create's transaction; two racing requests end with one record, because the
unique indexes make the loser's transaction fail and its retry finds the winner's record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

import orjson
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sanjin_shared.errors import DomainError
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Conflict, Problem


class Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)
KEYS = "idempotency_keys"
KEY_TTL_S = 7 * 24 * 3600
MAX_KEY_LENGTH = 200


def fingerprint(body: Any) -> str:
    """A stable hash of a request body (a pydantic model's JSON form, or plain data)."""
    data = body.model_dump(mode="json") if hasattr(body, "model_dump") else body
    try:
        raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits, which orjson does not write: the slow way
        raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    record: T
    created: bool  # False: an earlier identical request created it; answer 200 instead of 201


@dataclass(frozen=True, slots=True)
class PriorRecord:
    id: str
    fingerprint: str


async def ensure_idempotency_indexes(db: AsyncDatabase[Any]) -> None:
    await db[KEYS].create_indexes(
        [IndexModel([("created_at", ASCENDING)], name="expiry", expireAfterSeconds=KEY_TTL_S)]
    )


async def create_once(
    uow: UnitOfWork,
    *,
    scope: str,
    idempotency_key: str | None,
    request_fingerprint: str,
    find_by_external_id: Callable[[Transaction], Awaitable[PriorRecord | None]] | None,
    create: Callable[[Transaction], Awaitable[T]],
    load: Callable[[str], Awaitable[T]],
) -> Outcome[T]:
    """Create a record at most once per idempotency key and per external id.

    `create` writes the record (and its events) and returns it as stored; `load` reads a record
    by id, for a repeated request; `find_by_external_id` is None when the request names none. `scope` separates keys of different callers and record types,
    e.g. "activity:110000".

    The first attempt looks nothing up: most creates are new, and the unique indexes on the
    external id and on the key refuse a repeat anyway. If it is refused (a duplicate key, or a
    rule the earlier record now breaks, such as "already booked"), its transaction is rolled
    back and a second attempt looks the key and the external id up: it answers with the earlier
    record, 409 if the content differs, or, for a new request, creates again and meets the same
    refusal. A concurrent identical request that wins the race is found the same way.
    """
    keys = uow.db[KEYS]
    key_id = f"{scope}|{idempotency_key}" if idempotency_key else None

    async def prior_record(tx: Transaction) -> str | None:
        if key_id is not None:
            stored = await keys.find_one({"_id": key_id}, session=tx.session)
            if stored is not None:
                if stored["fingerprint"] != request_fingerprint:
                    raise Conflict(
                        "this Idempotency-Key was used before with a different request body",
                        slug="idempotency-key-reused",
                    )
                return str(stored["record_id"])
        prior = await find_by_external_id(tx) if find_by_external_id is not None else None
        if prior is None:
            return None
        if prior.fingerprint != request_fingerprint:
            raise Conflict(
                "该编号的记录已存在且内容不同",
                slug="external-id-conflict",
                record_id=prior.id,
            )
        if key_id is not None:
            await remember(prior.id, tx)
        return prior.id

    async def remember(record_id: str, tx: Transaction) -> None:
        await keys.insert_one(
            {
                "_id": key_id,
                "fingerprint": request_fingerprint,
                "record_id": record_id,
                "created_at": datetime.now(UTC),
            },
            session=tx.session,
        )

    async def create_new(tx: Transaction) -> T:
        record = await create(tx)
        if key_id is not None:
            await remember(record.id, tx)
        return record

    async def after_refusal(tx: Transaction) -> T | str:
        return await prior_record(tx) or await create_new(tx)

    try:
        return Outcome(await uow.run(create_new), created=True)
    except (DuplicateKeyError, Problem, DomainError):
        # A repeat, or a refusal that a repeat would also meet (a booking's consumer already
        # booked, a full session): the record the first request created is the answer, if any.
        # Without a key or an external id there is none to look up: the refusal is the answer.
        if key_id is None and find_by_external_id is None:
            raise
    try:
        found = await uow.run(after_refusal)
    except DuplicateKeyError:
        # A concurrent identical request won the race in between; this run sees its record.
        found = await uow.run(after_refusal)
    if isinstance(found, str):
        return Outcome(await load(found), created=False)
    return Outcome(found, created=True)
