"""Limits on what a request may carry, enforced before any handler sees it.

- A body larger than `max_body_bytes` (1 MiB; `:batch` imports `max_batch_body_bytes`, 5 MiB;
  uploads, `:import` workbooks and `/files`, `max_upload_bytes`, 25 MiB) is refused with 413. A declared `Content-Length` over the limit is refused without keeping a byte;
  a chunked body is counted as it arrives and refused as soon as it passes the limit.
- A JSON body nested deeper than `max_json_depth` is refused with 400 before it is parsed into
  Python objects (deep nesting is how a small body exhausts a parser's recursion).

The body is read once here and handed on unchanged, so handlers still read it as usual.
FastAPI's own `max_body_size` is left unset: this one pass does both checks, keeps the batch
limit in one rule (paths ending `:batch`) and answers with the limit in the problem.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanjin_shared.problems import problem_response

MiB = 1024 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_DRAIN_FACTOR = 4


class _TooLarge(Exception):
    def __init__(self, more_body: bool) -> None:
        super().__init__("the body passed the limit")
        self.more_body = more_body


def json_too_deep(body: bytes, max_depth: int) -> bool:
    """Whether a JSON document nests arrays and objects deeper than `max_depth`.

    Cheap for ordinary bodies: a document with no more brackets than the limit cannot exceed it,
    and that count runs in C. Otherwise it is parsed with orjson (which stops at 1,024 levels on
    its own) and walked without recursion. A body that is not JSON is left to the handler's
    validation, which answers 422.
    """
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return "depth" in str(exc).lower() or "recursion" in str(exc).lower()
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class RequestLimitsMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int = 1 * MiB,
        max_batch_body_bytes: int = 5 * MiB,
        max_json_depth: int = 32,
        max_upload_bytes: int = 25 * MiB,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_batch_body_bytes = max_batch_body_bytes
        self.max_json_depth = max_json_depth
        self.max_upload_bytes = max_upload_bytes

    def limit_for(self, path: str) -> int:
        if path.endswith(":batch"):
            return self.max_batch_body_bytes
        if path.endswith((":import", "/files")):
            return self.max_upload_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limit_for(path)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            # a client waiting for "100 Continue" has sent nothing yet: answer now, and it sends
            # nothing (uvicorn says "100 Continue" only when the body is read)
            waits = headers.get(b"expect", b"").lower() == b"100-continue"
            await self._refuse_size(scope, receive, send, limit, more_body=not waits)
            return
        try:
            body, disconnected = await self._read(receive, limit)
        except _TooLarge as exc:
            await self._refuse_size(scope, receive, send, limit, more_body=exc.more_body)
            return
        if disconnected:
            return  # the client went away; nobody to answer
        content_type = headers.get(b"content-type", b"").lower()
        if b"json" in content_type and json_too_deep(body, self.max_json_depth):
            response = problem_response(
                400,
                "json-too-deep",
                f"the JSON body nests deeper than {self.max_json_depth} levels",
                instance=path,
            )
            await response(scope, receive, send)
            return

        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: the disconnect, when it comes

        await self.app(scope, replay, send)

    @staticmethod
    async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"", True
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _TooLarge(more_body=bool(message.get("more_body", False)))
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    @staticmethod
    async def _refuse_size(
        scope: Scope, receive: Receive, send: Send, limit: int, *, more_body: bool
    ) -> None:
        """Answer 413 and close the connection. What the client is still sending is discarded
        (up to a few times the limit, so the client is listening when the answer comes); the
        handler never sees it."""
        drained = 0
        while more_body and drained <= _DRAIN_FACTOR * limit:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            drained += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
        response = problem_response(
            413,
            "payload-too-large",
            f"请求内容超过上限 {limit:,} 字节（{limit / MiB:g} MB），未作处理",
            instance=scope.get("path", ""),
            headers={"Connection": "close"},
            limit_bytes=limit,
        )

        async def nothing() -> Message:  # the body is not read
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)
