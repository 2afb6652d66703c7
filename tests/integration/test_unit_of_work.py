"""The unit of work against the real database: a transaction the server aborts midway is run
again as a whole, and commits the record, its outbox entry and its audit entry once."""

from __future__ import annotations

import uuid

from pymongo import AsyncMongoClient

from sanjin_shared.audit import Actor
from sanjin_shared.events.activities import ActivityReported
from sanjin_shared.mongo import Transaction, UnitOfWork
from tests.conftest import World
from tests.support.factories import activity_state, envelope


async def test_a_transaction_the_server_aborts_before_the_outbox_write_runs_again(
    world: World,
) -> None:
    """The server aborts the transaction (here: its session killed from another connection, as a
    failover would) after the record is written and before the outbox and audit entries are. The
    next command fails with a TransientTransactionError, and the unit of work runs the whole
    transaction again: one record, one outbox entry and one audit entry."""
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    other: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
    db = client[f"{world.name}_uow_{uuid.uuid4().hex[:8]}"]
    event = envelope(ActivityReported(activity=activity_state("2019")), version=2)
    attempts = 0

    async def body(tx: Transaction) -> str:
        nonlocal attempts
        attempts += 1
        await db["records"].insert_one({"_id": event.aggregate_id}, session=tx.session)
        tx.publish(event)
        if attempts == 1:
            await other.admin.command("killSessions", [tx.session.session_id])
        return event.aggregate_id

    try:
        await db["records"].insert_one({"_id": "-"})  # the collection exists before the transaction
        uow = UnitOfWork(client, db, actor=Actor.system("tests"))
        assert await uow.run(body) == event.aggregate_id
        assert attempts == 2
        assert await db["records"].count_documents({"_id": event.aggregate_id}) == 1
        assert await db["outbox"].count_documents({"_id": str(event.id), "pending": True}) == 1
        assert await db["audit"].count_documents({"_id": str(event.id)}) == 1
    finally:
        await client.drop_database(db.name)
        await client.close()
        await other.close()
