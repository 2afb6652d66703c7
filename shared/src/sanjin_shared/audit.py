"""The audit trail: who changed what, and when, in every service.

Every change goes through a unit of work (`mongo.UnitOfWork`), and every change a caller makes
publishes domain events. So the unit of work writes one audit entry per event, in the same
transaction as the change and the event: the entry exists exactly when the change does. A change
without an event (defining a campaign) calls `Transaction.audit` itself.

An entry names the actor (token subject, role, province; `system` for the service's own
background work), the action (the event type), the record (type, id, version, province) and the
request's correlation id. The events carry the rest. hq and admin read the trail at
`GET /v1/audit` of each service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.auth import HQReader
from sanjin_shared.clock import BEIJING
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_cursor, encode_cursor

COLLECTION = "audit"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change: a verified caller, or the service itself."""

    sub: str
    role: str
    province: str | None
    correlation_id: str | None

    @classmethod
    def system(cls, service: str) -> Actor:
        return cls(sub=f"system:{service}", role="system", province=None, correlation_id=None)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    actor: Actor
    action: str
    record_type: str
    record_id: str
    record_version: int | None = None
    record_province: str | None = None
    correlation_id: str | None = None

    @classmethod
    def of_event(cls, actor: Actor, env: EventEnvelope) -> AuditEntry:
        province = _province_of(env.payload)
        return cls(
            actor=actor,
            action=env.type,
            record_type=env.aggregate_type,
            record_id=env.aggregate_id,
            record_version=env.aggregate_version,
            record_province=province,
            correlation_id=env.correlation_id,
        )

    def to_doc(self, entry_id: str, now: datetime) -> dict[str, Any]:
        return {
            "_id": entry_id,
            "created_at": now,
            "actor": {
                "sub": self.actor.sub,
                "role": self.actor.role,
                "province": self.actor.province,
            },
            "action": self.action,
            "record": {
                "type": self.record_type,
                "id": self.record_id,
                "version": self.record_version,
                "province": self.record_province,
            },
            "correlation_id": self.correlation_id or self.actor.correlation_id,
        }


def _province_of(payload: dict[str, Any]) -> str | None:
    """The record's province: at the top of the payload, or in the state it carries."""
    for value in (payload, *payload.values()):
        if isinstance(value, dict) and isinstance(value.get("province"), str):
            return str(value["province"])
    return None


class AuditLog:
    """The `audit` collection of a service."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[COLLECTION]

    async def ensure_indexes(self) -> None:
        await self._col.create_indexes(
            [
                IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)], name="list_order"),
                IndexModel([("correlation_id", ASCENDING)], name="by_correlation"),
                IndexModel([("record.id", ASCENDING), ("created_at", ASCENDING)], name="by_record"),
                IndexModel([("actor.sub", ASCENDING), ("created_at", DESCENDING)], name="by_actor"),
            ]
        )

    async def write(
        self,
        entries: list[tuple[str, AuditEntry]],
        *,
        session: AsyncClientSession,
        now: datetime | None = None,
    ) -> None:
        now = now or datetime.now(UTC)
        docs = [entry.to_doc(entry_id, now) for entry_id, entry in entries]
        if docs:
            await self._col.insert_many(docs, ordered=True, session=session)

    async def find(
        self, query: dict[str, Any], *, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        docs = (
            await self._col.find(query | after_cursor(cursor))
            .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit + 1)
            .to_list()
        )
        more = len(docs) > limit
        docs = docs[:limit]
        next_cursor = encode_cursor(docs[-1]["created_at"], docs[-1]["_id"]) if more else None
        return docs, next_cursor


# -- the API ---------------------------------------------------------------------------------------


class AuditActorOut(BaseModel):
    sub: str
    role: str
    province: str | None


class AuditRecordOut(BaseModel):
    type: str
    id: str
    version: int | None
    province: str | None


class AuditEntryOut(BaseModel):
    id: str
    at: datetime = Field(description="When the change was committed")
    actor: AuditActorOut
    action: str = Field(description="What was done: the event type, e.g. ActivityReported")
    record: AuditRecordOut
    correlation_id: str | None

    @classmethod
    def of(cls, doc: dict[str, Any]) -> AuditEntryOut:
        return cls(
            id=doc["_id"],
            at=doc["created_at"],
            actor=AuditActorOut(**doc["actor"]),
            action=doc["action"],
            record=AuditRecordOut(**doc["record"]),
            correlation_id=doc.get("correlation_id"),
        )


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None


async def _audit_log(request: Request) -> AuditLog:
    return AuditLog(request.state.platform.db)


AuditLogDep = Annotated[AuditLog, Depends(_audit_log)]


def audit_router() -> APIRouter:
    """`GET /v1/audit` for hq and admin."""
    router = APIRouter(prefix="/v1", tags=["audit"])

    @router.get(
        "/audit",
        operation_id="audit-list",
        response_model=AuditPage,
        summary="Who changed what, and when (hq)",
    )
    async def list_audit(
        _reader: HQReader,
        log: AuditLogDep,
        actor: Annotated[str | None, Query(max_length=200, description="Token subject")] = None,
        province: Annotated[
            str | None, Query(pattern=r"^\d{6}$", description="The record's province")
        ] = None,
        action: Annotated[str | None, Query(max_length=100)] = None,
        record_id: Annotated[str | None, Query(max_length=200)] = None,
        correlation_id: Annotated[str | None, Query(max_length=200)] = None,
        since: Annotated[date | None, Query(description="Beijing date, included")] = None,
        until: Annotated[date | None, Query(description="Beijing date, included")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
    ) -> AuditPage:
        query: dict[str, Any] = {}
        for field, value in (
            ("actor.sub", actor),
            ("record.province", province),
            ("action", action),
            ("record.id", record_id),
            ("correlation_id", correlation_id),
        ):
            if value is not None:
                query[field] = value
        span: dict[str, Any] = {}
        if since is not None:
            span["$gte"] = datetime.combine(since, time.min, BEIJING)
        if until is not None:
            span["$lt"] = datetime.combine(until + timedelta(days=1), time.min, BEIJING)
        if span:
            query["created_at"] = span
        docs, next_cursor = await log.find(query, limit=limit, cursor=cursor)
        return AuditPage(items=[AuditEntryOut.of(d) for d in docs], next_cursor=next_cursor)

    return router
