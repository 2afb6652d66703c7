"""MongoDB through PyMongo's async API: the client, and the unit of work.

A unit of work is one MongoDB transaction. Use cases do all their writes, and the events those
writes cause, inside `UnitOfWork.run`; the transaction commits both or neither. PyMongo's
`with_transaction` retries the body on transient errors (write conflicts, primary step-downs),
so the body must be safe to run again: it reads what it needs inside the transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference

from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.outbox import OutboxWriter

T = TypeVar("T")
Document = dict[str, Any]


def make_client(uri: str, *, app_name: str) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        uri,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=5_000,
        connectTimeoutMS=5_000,
        retryWrites=True,
        w="majority",
    )


class Transaction:
    """What a unit-of-work body receives: the session to pass to every call, and the outbox."""

    def __init__(self, session: AsyncClientSession, outbox: OutboxWriter) -> None:
        self.session = session
        self._outbox = outbox
        self._events: list[EventEnvelope] = []

    def publish(self, *envelopes: EventEnvelope) -> None:
        """Queue events; they are written to the outbox in this transaction before it commits."""
        self._events.extend(envelopes)

    async def _flush(self) -> int:
        if self._events:
            await self._outbox.add(self._events, session=self.session)
        return len(self._events)


class UnitOfWork:
    def __init__(
        self,
        client: AsyncMongoClient[Document],
        db: AsyncDatabase[Document],
        *,
        on_commit: Callable[[int], None] | None = None,
    ) -> None:
        self.client = client
        self.db = db
        self._outbox = OutboxWriter(db)
        self._on_commit = on_commit

    async def run(self, body: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run `body` in one transaction (retried by PyMongo on transient errors)."""
        published = 0

        async def callback(session: AsyncClientSession) -> T:
            nonlocal published
            tx = Transaction(session, self._outbox)
            result = await body(tx)
            published = await tx._flush()
            return result

        async with self.client.start_session() as session:
            result = await session.with_transaction(
                callback,
                read_concern=ReadConcern("snapshot"),
                write_concern=WriteConcern("majority"),
                read_preference=ReadPreference.PRIMARY,
            )
        if published and self._on_commit is not None:
            self._on_commit(published)  # wakes the relay at once instead of at its next poll
        return result
