"""Who asks: the verified principal and the request's correlation id, as a FastAPI dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from sanjin_shared.audit import Actor
from sanjin_shared.auth import AnyPrincipal, CurrentPrincipal, Principal


@dataclass(frozen=True, slots=True)
class RequestContext:
    principal: Principal
    correlation_id: str

    @property
    def actor(self) -> Actor:
        p = self.principal
        return Actor(p.sub, p.role.value, p.province, self.correlation_id)


async def request_context(request: Request, principal: CurrentPrincipal) -> RequestContext:
    return RequestContext(principal=principal, correlation_id=request.state.correlation_id)


Context = Annotated[RequestContext, Depends(request_context)]  # every role but viewer


async def reader_context(request: Request, principal: AnyPrincipal) -> RequestContext:
    return RequestContext(principal=principal, correlation_id=request.state.correlation_id)


ReaderContext = Annotated[RequestContext, Depends(reader_context)]  # viewer too: national reads
