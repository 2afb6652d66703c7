"""Behind the gateway a service is reached at `/api/<slug>/...` with the prefix stripped; the
gateway says so in `X-Forwarded-Prefix`. Taking that prefix as the ASGI root path makes `/docs`
load `/api/<slug>/openapi.json` and the OpenAPI's `servers` name the prefix, so the documents
work from the one origin. Without the header nothing changes (direct access, the tests)."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

HEADER = b"x-forwarded-prefix"
# path segments only: a header cannot smuggle a scheme, a host, a query or a traversal
_PREFIX = re.compile(r"(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*){1,8}")


class ForwardedPrefixMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            prefix = _prefix(scope)
            if prefix:
                # as an ASGI server with a root path does it: the path includes the root path
                scope = {**scope, "root_path": prefix, "path": prefix + scope["path"]}
        await self.app(scope, receive, send)


def _prefix(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == HEADER:
            prefix = value.decode("latin-1").strip().rstrip("/")
            return prefix if len(prefix) <= 200 and _PREFIX.fullmatch(prefix) else None
    return None
