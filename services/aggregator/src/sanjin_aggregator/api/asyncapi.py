"""The AsyncAPI document of the platform's events (sanjin_shared.asyncapi), served for
integrators who consume the topics: the aggregator is the service that reads them all."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter

from sanjin_shared.asyncapi import asyncapi_document

router = APIRouter(tags=["events"])


@cache
def _document() -> dict[str, Any]:
    return asyncapi_document()


@router.get(
    "/asyncapi.json",
    operation_id="asyncapi-get",
    summary="The AsyncAPI 3 document of every topic, message and payload",
    response_model=None,
)
async def asyncapi() -> dict[str, Any]:
    return _document()
