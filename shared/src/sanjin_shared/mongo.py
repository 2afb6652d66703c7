"""MongoDB through PyMongo's async API: the client, and the unit of work.

A unit of work is one MongoDB transaction. Use cases do all their writes, and the events those
writes cause, inside `UnitOfWork.run`; the transaction commits the writes, the events (in the
outbox) and their audit entries, or none of them. PyMongo's
`with_transaction` retries the body on transient errors (write conflicts, primary step-downs),
so the body must be safe to run again: it reads what it needs inside the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference

from sanjin_shared.audit import Actor, AuditEntry, AuditLog
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.outbox import OutboxWriter

T = TypeVar("T")
Document = dict[str, Any]


def make_client(uri: str, *, app_name: str, max_pool_size: int = 100) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        uri,
        appname=app_name,
        maxPoolSize=max_pool_size,
        tz_aware=True,
        serverSelectionTimeoutMS=5_000,
        connectTimeoutMS=5_000,
        retryWrites=True,
        w="majority",
    )


class Transaction:
    """What a unit-of-work body receives: the session to pass to every call, the outbox and the
    audit trail."""

    def __init__(
        self, session: AsyncClientSession, outbox: OutboxWriter, audit: AuditLog, actor: Actor
    ) -> None:
        self.session = session
        self.actor = actor
        self._outbox = outbox
        self._audit = audit
        self._events: list[EventEnvelope] = []
        self._entries: list[tuple[str, AuditEntry]] = []

    def publish(self, *envelopes: EventEnvelope) -> None:
        """Queue events; they are written to the outbox in this transaction before it commits,
        each with its audit entry."""
        self._events.extend(envelopes)

    def audit(self, action: str, record_type: str, record_id: str, **record: Any) -> None:
        """An audit entry for a change that publishes no event."""
        entry = AuditEntry(self.actor, action, record_type, record_id, **record)
        self._entries.append((str(uuid.uuid4()), entry))

    async def _flush(self) -> int:
        if self._events:
            await self._outbox.add(self._events, session=self.session)
        entries = self._entries + [
            (str(env.id), AuditEntry.of_event(self.actor, env)) for env in self._events
        ]
        await self._audit.write(entries, session=self.session)
        return len(self._events)


class UnitOfWork:
    def __init__(
        self,
        client: AsyncMongoClient[Document],
        db: AsyncDatabase[Document],
        *,
        actor: Actor,
        on_commit: Callable[[int], None] | None = None,
    ) -> None:
        self.client = client
        self.db = db
        self.actor = actor
        self._outbox = OutboxWriter(db)
        self._audit = AuditLog(db)
        self._on_commit = on_commit

    async def run(self, body: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run `body` in one transaction (retried by PyMongo on transient errors)."""
        published = 0

        async def callback(session: AsyncClientSession) -> T:
            nonlocal published
            tx = Transaction(session, self._outbox, self._audit, self.actor)
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
