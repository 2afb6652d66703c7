"""The body-limit middleware at the ASGI level, with the body arriving in chosen pieces."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from sanjin_shared.limits import RequestLimitsMiddleware

LIMIT = 1024


async def _call(pieces: list[tuple[bytes, bool]], path: str = "/v1/things") -> dict[str, Any]:
    reached: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        reached.append(message["body"])
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    messages = [{"type": "http.request", "body": b, "more_body": m} for b, m in pieces]
    arrived = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await arrived.wait()  # a client that sent everything waits for the answer
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(b"content-type", b"application/json")],
    }
    middleware = RequestLimitsMiddleware(app, max_body_bytes=LIMIT, max_batch_body_bytes=4 * LIMIT)
    await asyncio.wait_for(middleware(scope, receive, send), timeout=5)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return {"status": sent[0]["status"], "body": body, "reached": reached}


@pytest.mark.parametrize(
    "pieces",
    [
        [(b"x" * 600, True), (b"x" * 600, False)],  # the last piece crosses the limit
        [(b"x" * 600, True), (b"x" * 600, True), (b"x" * 600, False)],  # a middle one does
        [(b"x" * (LIMIT + 1), False)],  # one piece, too big
    ],
)
async def test_a_body_over_the_limit_is_answered_413_and_never_reaches_the_app(
    pieces: list[tuple[bytes, bool]],
) -> None:
    answer = await _call(pieces)
    assert answer["status"] == 413 and answer["reached"] == []
    problem = orjson.loads(answer["body"])
    assert problem["limit_bytes"] == LIMIT
    assert problem["detail"].startswith(f"请求内容超过上限 {LIMIT:,} 字节")  # for the officer


async def test_a_body_within_the_limit_reaches_the_app_whole() -> None:
    answer = await _call([(b"[1,", True), (b"2]", False)])
    assert answer["status"] == 201 and answer["reached"] == [b"[1,2]"]


async def test_a_batch_has_its_own_limit() -> None:
    answer = await _call([(b"[" + b"1," * 1000 + b"1]", False)], path="/v1/things:batch")
    assert answer["status"] == 201
    too_deep = await _call([(b"[" * 40 + b"]" * 40, False)])
    assert too_deep["status"] == 400 and too_deep["reached"] == []
