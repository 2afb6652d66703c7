"""A service keeps an idle connection open longer than its clients keep it in their pools.

httpx keeps an idle connection 5 s, load balancers 60 s. Uvicorn's own default is 5 s: a client
could send its next request on a connection at the moment the server closed it, and that request
failed without an answer (seen in CI as an `httpx.ReadError` on one of ten concurrent cancels).
"""

from __future__ import annotations

import asyncio

from tests.support.services import ServiceProcess

IDLE_S = 6.0  # longer than httpx's keep-alive expiry and uvicorn's default, far below ours (75 s)


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: sanjin\r\n\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    await asyncio.wait_for(reader.readexactly(length), timeout=10)
    return head.split(b"\r\n", 1)[0]


async def test_an_idle_connection_outlives_a_client_pools_expiry(
    events_service: ServiceProcess,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", events_service.port)
    try:
        assert await _get(reader, writer) == b"HTTP/1.1 200 OK"
        await asyncio.sleep(IDLE_S)  # the idle time is what is tested: nothing to poll for
        assert not reader.at_eof(), "the service closed an idle connection within 6 s"
        assert await _get(reader, writer) == b"HTTP/1.1 200 OK"
    finally:
        writer.close()
