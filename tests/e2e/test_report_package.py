"""The report package: files stored in GridFS after their checks (type from the content, images
without EXIF GPS), downloads, typical cases with photos, and a province that never sees another
province's files or cases."""

from __future__ import annotations

import hashlib
import uuid

import httpx
import pytest

from tests.conftest import auth
from tests.support.office_files import docx, gps_of, jpeg_with_gps
from tests.support.services import ServiceProcess

GD, HB = "440000", "420000"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
async def package_campaign(http: httpx.AsyncClient, aggregator: ServiceProcess) -> str:
    campaign = f"2019-pkg-{uuid.uuid4().hex[:8]}"
    r = await http.put(
        f"{aggregator.url}/v1/campaigns/{campaign}",
        json={
            "starts_on": "2019-09-01",
            "ends_on": "2019-11-30",
            "report_deadline": "2019-11-30T23:59:59+08:00",
        },
        headers=auth("admin"),
    )
    assert r.status_code in (200, 201), r.text
    return campaign


async def upload(
    http: httpx.AsyncClient,
    url: str,
    campaign: str,
    data: bytes,
    name: str,
    kind: str,
    province: str,
) -> httpx.Response:
    return await http.post(
        f"{url}/v1/campaigns/{campaign}/files",
        files={"file": (name, data, "application/octet-stream")},
        data={"kind": kind},
        headers=auth("province", province),
    )


async def test_files_and_cases_of_a_province_package(
    http: httpx.AsyncClient, aggregator: ServiceProcess, package_campaign: str
) -> None:
    url, campaign = aggregator.url, package_campaign
    summary_bytes = docx()
    summary = await upload(http, url, campaign, summary_bytes, "../../总结.pdf", "summary", GD)
    assert summary.status_code == 201, summary.text
    s = summary.json()
    assert (s["media_type"], s["size"], s["sha256"]) == (
        DOCX,
        len(summary_bytes),
        hashlib.sha256(summary_bytes).hexdigest(),
    )
    assert s["filename"] == "总结.docx", "the name keeps no path and takes the content's extension"

    photo = jpeg_with_gps()
    assert gps_of(photo), "the test photo carries a GPS position"
    stored = await upload(http, url, campaign, photo, "现场.jpg", "case_photo", GD)
    assert stored.status_code == 201, stored.text
    p = stored.json()
    downloaded = await http.get(f"{url}/v1/files/{p['id']}", headers=auth("province", GD))
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "image/jpeg"
    assert hashlib.sha256(downloaded.content).hexdigest() == p["sha256"]
    assert gps_of(downloaded.content) == {}, "EXIF GPS is gone"
    assert (await http.get(f"{url}/v1/files/{p['id']}", headers=auth("hq"))).status_code == 200
    assert (
        await http.get(f"{url}/v1/files/{p['id']}", headers=auth("province", HB))
    ).status_code == 404

    thumb = await http.get(f"{url}/v1/files/{p['id']}/preview", headers=auth("province", GD))
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    no_thumb = await http.get(f"{url}/v1/files/{s['id']}/preview", headers=auth("province", GD))
    assert no_thumb.status_code == 404

    repeated = await upload(http, url, campaign, summary_bytes, "总结（重发）.docx", "summary", GD)
    assert (repeated.status_code, repeated.json()["id"]) == (200, s["id"]), "stored once"

    wrong_kind = await upload(http, url, campaign, photo, "总结.docx", "summary", GD)
    assert wrong_kind.status_code == 422 and wrong_kind.json()["reason"] == "type-not-allowed"

    case = await http.post(
        f"{url}/v1/campaigns/{campaign}/cases",
        json={"title": "社区电动车安全宣传", "text": "典型做法……", "photo_ids": [p["id"]]},
        headers=auth("province", GD),
    )
    assert case.status_code == 201, case.text
    theirs = await http.post(
        f"{url}/v1/campaigns/{campaign}/cases",
        json={"title": "借用照片", "text": "……", "photo_ids": [p["id"]]},
        headers=auth("province", HB),
    )
    assert theirs.status_code == 422, "a case shows only its own province's photos"
    revised = await http.put(
        f"{url}/v1/cases/{case.json()['id']}",
        json={"title": "社区电动车安全宣传（修改）", "text": "……", "photo_ids": []},
        headers=auth("province", GD),
    )
    assert revised.status_code == 200 and revised.json()["version"] == 2

    def listed(kind: str, province: str) -> httpx.Response:
        return http.get(f"{url}/v1/campaigns/{campaign}/{kind}", headers=auth("province", province))  # type: ignore[return-value]

    assert len((await listed("files", GD)).json()["items"]) == 2
    assert (await listed("files", HB)).json()["items"] == []
    assert (await listed("cases", HB)).json()["items"] == []
    assert (
        await http.get(f"{url}/v1/cases/{case.json()['id']}", headers=auth("province", HB))
    ).status_code == 404
    national = await http.get(f"{url}/v1/campaigns/{campaign}/files", headers=auth("hq"))
    assert {f["province"] for f in national.json()["items"]} == {GD}


async def test_a_submission_names_its_files_and_cases_and_hq_sees_them(
    http: httpx.AsyncClient, aggregator: ServiceProcess, package_campaign: str
) -> None:
    url, campaign = aggregator.url, package_campaign
    summary = (await upload(http, url, campaign, docx(), "总结.docx", "summary", GD)).json()
    photo = (
        await upload(http, url, campaign, jpeg_with_gps(), "案例.jpg", "case_photo", GD)
    ).json()
    case = await http.post(
        f"{url}/v1/campaigns/{campaign}/cases",
        json={"title": "校园玩具安全课", "text": "……", "photo_ids": [photo["id"]]},
        headers=auth("province", GD),
    )
    theirs = (await upload(http, url, campaign, docx(), "总结.docx", "summary", HB)).json()
    submissions = f"{url}/v1/campaigns/{campaign}/submissions"
    borrowed = await http.post(
        submissions,
        json={"summary": "总结见附件", "files": [theirs["id"]]},
        headers=auth("province", GD),
    )
    assert borrowed.status_code == 422 and borrowed.json()["errors"][0]["field"] == "files"
    submitted = await http.post(
        submissions,
        json={
            "summary": "总结见附件",
            "files": [summary["id"], photo["id"]],
            "cases": [case.json()["id"]],
        },
        headers=auth("province", GD),
    )
    assert submitted.status_code == 201, submitted.text
    seen = (await http.get(f"{submissions}/{GD}", headers=auth("hq"))).json()
    latest = [s for s in seen["history"] if s["action"] == "submitted"][-1]
    assert (latest["files"], latest["cases"]) == (
        [summary["id"], photo["id"]],
        [case.json()["id"]],
    )
    for file_id in latest["files"]:
        assert (await http.get(f"{url}/v1/files/{file_id}", headers=auth("hq"))).status_code == 200
