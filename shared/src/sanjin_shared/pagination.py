"""Opaque cursors for `GET <collection>` lists: stable order by (created_at, _id)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import orjson

from sanjin_shared.problems import Unprocessable

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def encode_cursor(created_at: datetime, record_id: str) -> str:
    raw = orjson.dumps({"t": created_at.isoformat(), "i": record_id})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(data["t"]), str(data["i"])
    except Exception as exc:
        raise Unprocessable("the cursor is not valid", field="cursor") from exc


def after_cursor(cursor: str | None) -> dict[str, Any]:
    """The query filter that continues a list after the cursor."""
    if not cursor:
        return {}
    created_at, record_id = decode_cursor(cursor)
    return {
        "$or": [
            {"created_at": {"$gt": created_at}},
            {"created_at": created_at, "_id": {"$gt": record_id}},
        ]
    }
