"""Hostile uploads, each answered with a clear problem+json and nothing written: zip bombs and
XML entity expansion inside xlsx and docx, an executable named .pdf, formulas, external links and
macros in workbooks, a 200 MB upload (declared and streamed), a workbook of 100,000 rows, and
files over the size limit of one file or of a province's package."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import Workbook

from sanjin_events.api.workbooks import SHEET
from tests.conftest import World, auth
from tests.support.factories import activity_body
from tests.support.office_files import (
    BILLION_LAUGHS,
    EXECUTABLE,
    docx,
    jpeg_with_gps,
    laughing_docx,
    with_parts,
    zip_bomb,
)
from tests.support.services import ServiceProcess
from tests.support.workbooks import fill, letter_of, upload

BJ = auth("province", "110000")
PROBLEM = "application/problem+json"
MiB = 1024 * 1024
SHEET_PART = "xl/worksheets/sheet1.xml"


@pytest.fixture(scope="module")
def template() -> bytes:
    from sanjin_shared.workbook import template as build

    return build(SHEET, max_rows=10_000)


def workbook(template: bytes, campaign: str, n: int = 3, **raw: object) -> bytes:
    rows = [(activity_body(campaign, external_id=f"H-{i}"), None) for i in range(n)]
    return fill(template, SHEET, rows, raw=raw.get("raw"))  # type: ignore[arg-type]


async def activities(http: httpx.AsyncClient, events: ServiceProcess, campaign: str) -> list:
    r = await http.get(
        f"{events.url}/v1/activities", params={"campaign": campaign}, headers=auth("hq")
    )
    return r.json()["items"]


async def refused(response: httpx.Response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"urn:sanjin:problem:{slug}", body
    assert body["detail"]
    return body


# -- workbooks --------------------------------------------------------------------------------------


async def test_hostile_workbooks_are_refused_and_nothing_is_written(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str, template: bytes
) -> None:
    url = f"{events_service.url}/v1/activities:import"
    good = workbook(template, campaign)
    cases = {
        "zip-bomb": zip_bomb(good, SHEET_PART, unpacked_mib=300),
        "xml-entities": with_parts(
            good,
            replace={
                SHEET_PART: BILLION_LAUGHS.encode()
                + with_parts_read(good, SHEET_PART).split(b"?>", 1)[-1]
            },
        ),
        "external-link": with_parts(
            good, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}
        ),
        "macro": with_parts(good, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512}),
        "workbook-formulas": workbook(
            template, campaign, raw={(1, "title"): '=HYPERLINK("http://x","点我")'}
        ),
        "unreadable-workbook": b"PK\x03\x04" + b"\x00" * 100,
        "not-a-workbook": docx(),
    }
    for slug, data in cases.items():
        response = await http.post(url, files=upload(data), headers=BJ)
        expected_slug = "not-office" if slug == "unreadable-workbook" else slug
        body = await refused(response, 422, expected_slug)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body["detail"]
        if slug == "workbook-formulas":
            title = letter_of(SHEET, "title")  # the column of the field, wherever it is declared
            assert [(e["row"], e["column"]) for e in body["errors"]] == [(4, title)]
    assert await activities(http, events_service, campaign) == []


def with_parts_read(package: bytes, part: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return z.read(part)


async def test_a_workbook_of_100000_rows_is_refused_and_nothing_is_written(
    http: httpx.AsyncClient, events_service: ServiceProcess, campaign: str
) -> None:
    book = Workbook(write_only=True)
    ws = book.create_sheet(SHEET.name)
    ws.append([c.title for c in SHEET.columns])
    row = [
        campaign, "宣传教育", "活动", "社区", "场所", "市", "区", "2019-09-15",
        "是", "否", "否", "否", "主办", None,
    ]  # fmt: skip
    for i in range(100_000):
        row[13] = f"R{i}"
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = await http.post(
        f"{events_service.url}/v1/activities:import",
        files=upload(buffer.getvalue()),
        headers=BJ,
    )
    body = await refused(response, 413, "too-many-rows")
    assert "10,000" in body["detail"]
    assert await activities(http, events_service, campaign) == []


async def post_raw(
    url: str, path: str, headers: dict[str, str], size: int, *, chunked: bool
) -> tuple[int, dict] | None:
    """POST `size` bytes over a raw connection, as curl does: a declared length waits for "100
    Continue" first; a chunked body is streamed while the answer is read. The status and the
    problem, or None when the server closed the connection while the body was still coming."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    framing = (
        ["Transfer-Encoding: chunked"]
        if chunked
        else [f"Content-Length: {size}", "Expect: 100-continue"]
    )
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", *framing, "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def body() -> None:
        block = b"\x00" * MiB
        for _ in range(size // MiB):
            writer.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
            await writer.drain()

    sending = asyncio.create_task(body()) if chunked else None
    try:
        status_line = await asyncio.wait_for(reader.readline(), timeout=120)
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        length = int(re.search(r"(?i)content-length: (\d+)", head)[1])  # type: ignore[index]
        problem = json.loads(await reader.readexactly(length))
    except (ConnectionError, asyncio.IncompleteReadError):
        return None
    finally:
        if sending is not None:
            sending.cancel()
            with contextlib.suppress(BaseException):
                await sending
        writer.close()
    assert "application/problem+json" in head
    return int(status_line.split()[1]), problem


async def test_a_200_mb_upload_is_refused_on_its_size_before_it_is_stored(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    headers = BJ | {"Content-Type": "multipart/form-data; boundary=sanjin-boundary"}
    for service, path in (
        (events_service, "/v1/activities:import"),
        (aggregator, "/v1/campaigns/2019/files"),
    ):
        answer = await post_raw(service.url, path, headers, 200 * MiB, chunked=False)
        assert answer is not None
        status, problem = answer
        assert (status, problem["type"]) == (413, "urn:sanjin:problem:payload-too-large")
        assert problem["limit_bytes"] == 25 * MiB
        # streamed without a length: refused once 25 MiB have come (the answer, or a connection
        # closed under a client that keeps sending)
        streamed = await post_raw(service.url, path, headers, 200 * MiB, chunked=True)
        assert streamed is None or streamed[0] == 413
    assert await activities(http, events_service, campaign) == []
    files = await http.get(f"{aggregator.url}/v1/campaigns/2019/files", headers=BJ)
    assert files.json()["items"] == []


# -- files of the report package --------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_aggregator(world: World) -> Iterator[ServiceProcess]:
    """An aggregator of its own with small limits: 300 KB a file, 500 KB a package."""
    env = world.env("aggregator") | {
        "SANJIN_MONGODB_DATABASE": f"{world.name}_aggregator_small",
        "SANJIN_CONSUMER_GROUP": f"{world.name}-small",
        "SANJIN_MAX_FILE_BYTES": str(300_000),
        "SANJIN_MAX_PACKAGE_BYTES": str(500_000),
    }
    service = ServiceProcess("aggregator", env, world.run_dir, instance="-small")
    service.start().wait_ready()
    yield service
    service.stop()


async def test_hostile_files_are_refused_and_nothing_is_stored(
    http: httpx.AsyncClient, small_aggregator: ServiceProcess
) -> None:
    url = small_aggregator.url
    campaign = f"2019-hostile-{uuid.uuid4().hex[:8]}"
    defined = await http.put(
        f"{url}/v1/campaigns/{campaign}",
        json={
            "starts_on": "2019-09-01",
            "ends_on": "2019-11-30",
            "report_deadline": "2019-11-30T23:59:59+08:00",
        },
        headers=auth("admin"),
    )
    assert defined.status_code in (200, 201), defined.text
    files_url = f"{url}/v1/campaigns/{campaign}/files"

    async def send(data: bytes, name: str, kind: str = "attachment") -> httpx.Response:
        return await http.post(
            files_url,
            files={"file": (name, data, "application/pdf")},
            data={"kind": kind},
            headers=BJ,
        )

    cases = [
        (zip_bomb(docx(), "word/document.xml", unpacked_mib=100), "总结.docx", 422, "zip-bomb"),
        (laughing_docx(), "总结.docx", 422, "xml-entities"),
        (EXECUTABLE, "总结.pdf", 422, "executable"),
        (docx(extra={"word/vbaProject.bin": b"\x00" * 64}), "总结.docx", 422, "macro"),
        (
            b"%PDF-1.7\n1 0 obj << /OpenAction << /JS (app.alert(1)) >> >>",
            "a.pdf",
            422,
            "active-content",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", 422, "broken-image"),
        (b"just text", "readme.pdf", 422, "unsupported-type"),
        (b"%PDF-1.4\n" + b"0" * 400_000, "big.pdf", 413, "file-too-large"),
    ]
    for data, name, status, reason in cases:
        response = await send(data, name)
        body = await refused(response, status, "validation-error" if status == 422 else reason)
        if status == 422:
            assert body["reason"] == reason, body
            assert body["errors"][0]["field"] == "file"
    listed = await http.get(files_url, headers=BJ)
    assert listed.json()["items"] == []

    photo = jpeg_with_gps(300, 200)
    for digit in b"13":  # two small files fit
        padding = bytes([digit]) * 200_000
        assert (await send(b"%PDF-1.4\n" + padding, "附件.pdf")).status_code == 201
    over = await send(b"%PDF-1.4\n" + b"2" * 200_000, "附件.pdf")
    body = await refused(over, 413, "package-too-large")
    assert body["used_bytes"] > 400_000
    assert (await send(photo, "现场.jpg", "photo")).status_code == 201, "a small photo still fits"
    assert len((await http.get(files_url, headers=BJ)).json()["items"]) == 3
