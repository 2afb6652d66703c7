"""Campaigns and report submissions over HTTP: who may do what, the flow submit → return →
resubmit → approve, the tracker of 32 units, and the overdue events on Kafka once per province."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import World, auth
from tests.support.kafka import envelopes_on
from tests.support.office_files import docx
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

ADMIN, HQ = auth("admin"), auth("hq")


async def put_campaign(
    http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str, deadline: datetime
) -> httpx.Response:
    return await http.put(
        f"{aggregator.url}/v1/campaigns/{campaign}",
        json={
            "starts_on": "2019-09-01",
            "ends_on": "2019-11-30",
            "report_deadline": deadline.isoformat(),
        },
        headers=ADMIN,
    )


async def test_campaign_2019_exists_and_admin_defines_others(
    http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str
) -> None:
    default = (await http.get(f"{aggregator.url}/v1/campaigns/2019", headers=HQ)).json()
    assert default == {
        "campaign": "2019",
        "starts_on": "2019-09-01",
        "ends_on": "2019-11-30",
        "report_deadline": "2019-11-30T23:59:59+08:00",
    }
    url = f"{aggregator.url}/v1/campaigns/{campaign}"
    body = {
        "starts_on": "2019-09-01",
        "ends_on": "2019-11-30",
        "report_deadline": "2019-12-01T00:00:00Z",
    }
    assert (await http.put(url, json=body, headers=HQ)).status_code == 403
    assert (await http.put(url, json=body, headers=auth("province", "110000"))).status_code == 403
    naive = await http.put(
        url, json=body | {"report_deadline": "2019-12-01T00:00:00"}, headers=ADMIN
    )
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "report_deadline"
    backwards = await http.put(url, json=body | {"ends_on": "2019-08-01"}, headers=ADMIN)
    assert backwards.status_code == 422
    created = await http.put(url, json=body, headers=ADMIN)
    assert created.status_code == 201
    assert created.json()["report_deadline"] == "2019-12-01T08:00:00+08:00"  # Beijing time
    assert (await http.put(url, json=body, headers=ADMIN)).status_code == 200
    assert (
        await http.get(f"{aggregator.url}/v1/campaigns/nope-{campaign}", headers=HQ)
    ).status_code == 404


async def test_submit_return_resubmit_approve(
    http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str
) -> None:
    await put_campaign(http, aggregator, campaign, datetime.now(UTC) + timedelta(days=1))
    url = f"{aggregator.url}/v1/campaigns/{campaign}/submissions"
    gd = auth("province", "440000")
    assert (await http.post(url, json={"summary": "x"}, headers=HQ)).status_code == 403
    assert (await http.post(url, json={}, headers=gd)).status_code == 422
    first = await http.post(url, json={"summary": "广东省共开展活动"}, headers=gd)
    assert first.status_code == 201, first.text
    row = first.json()
    assert (row["status"], row["on_time"], row["attempts"]) == ("submitted", True, 1)
    assert set(row["snapshot"]) >= {"education_activities", "satisfaction_index"}
    assert row["submitted_at"].endswith("+08:00")

    assert (await http.post(f"{url}/440000/approve", headers=gd)).status_code == 403
    returned = await http.post(f"{url}/440000/return", json={"comment": "请补充"}, headers=HQ)
    assert returned.json()["status"] == "returned"
    assert (
        await http.post(f"{url}/440000/return", json={"comment": "x"}, headers=HQ)
    ).status_code == 409
    again = (await http.post(url, json={"summary": "已补充"}, headers=gd)).json()
    assert (again["attempts"], [s["action"] for s in again["history"]]) == (
        2,
        ["submitted", "returned", "submitted"],
    )
    assert again["changes_since_last"] == {}  # no figure moved in between
    approved = await http.post(f"{url}/440000/approve", json={"comment": "同意"}, headers=HQ)
    assert approved.json()["status"] == "approved"
    locked = await http.post(url, json={"summary": "改"}, headers=gd)
    assert locked.status_code == 409

    other = auth("province", "110000")
    assert (await http.get(f"{url}/440000", headers=other)).status_code == 404
    assert (await http.get(f"{url}/440000", headers=gd)).json()["status"] == "approved"
    assert (await http.get(url, headers=other)).status_code == 403
    tracker = (await http.get(url, headers=HQ)).json()
    assert len(tracker["items"]) == 32 and tracker["items"][-1]["province"] == "660000"
    assert tracker["summary"] | {"missing": len(tracker["summary"]["missing"])} == {
        "expected": 32,
        "submitted": 1,
        "on_time": 1,
        "late": 0,
        "approved": 1,
        "returned": 0,
        "missing": 31,
        "overdue": [],
    }


async def test_missing_provinces_become_overdue_once(
    http: httpx.AsyncClient, world: World, aggregator: ServiceProcess, campaign: str
) -> None:
    await put_campaign(http, aggregator, campaign, datetime.now(UTC) + timedelta(seconds=2))
    url = f"{aggregator.url}/v1/campaigns/{campaign}/submissions"
    on_time = await http.post(url, json={"summary": "按时"}, headers=auth("province", "110000"))
    assert on_time.json()["on_time"] is True
    tracker = await eventually(
        lambda: http.get(url, headers=HQ),
        until=lambda r: len(r.json()["summary"]["overdue"]) == 31,
        timeout_s=30,
        what="31 overdue provinces",
    )
    assert "110000" not in tracker.json()["summary"]["overdue"]
    topic = f"{world.topic_prefix}sanjin.submissions"

    async def overdue_events() -> Counter[str]:
        said = Counter()
        for env in await envelopes_on(world.infra.kafka_bootstrap, topic):
            if env["type"] == "SubmissionDeadlineMissed" and env["payload"]["campaign"] == campaign:
                said[env["payload"]["province"]] += 1
        return said

    said = await eventually(overdue_events, until=lambda c: len(c) == 31, what="overdue events")
    assert set(said.values()) == {1}
    late = await http.post(url, json={"summary": "迟交"}, headers=auth("province", "120000"))
    assert late.json()["on_time"] is False
    summary = (await http.get(url, headers=HQ)).json()["summary"]
    assert (summary["submitted"], summary["late"], len(summary["overdue"])) == (2, 1, 30)
    await asyncio.sleep(1.5)  # three more rounds of the deadline watch: nothing is said again
    assert set((await overdue_events()).values()) == {1}


async def test_the_inbox_extend_record_on_behalf_approved_figures_and_reminders(
    http: httpx.AsyncClient, aggregator: ServiceProcess, campaign: str
) -> None:
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    await put_campaign(http, aggregator, campaign, deadline)
    base = f"{aggregator.url}/v1/campaigns/{campaign}"
    url = f"{base}/submissions"
    fresh = {r["province"]: r for r in (await http.get(url, headers=HQ)).json()["items"]}
    assert len(fresh) == 32
    assert fresh["110000"] | {"deadline": None} == fresh["110000"] | {
        "deadline": None,
        "extended": False,
        "on_time": None,
        "days_late": 0,
        "status": "missing",
        "channel": None,
    }
    assert datetime.fromisoformat(fresh["110000"]["deadline"]) == deadline

    # a unit's extension, with its reason, audited
    later = (deadline + timedelta(days=3)).isoformat()
    refused = await http.post(
        f"{url}/120000/extend", json={"deadline": deadline.isoformat(), "reason": "x"}, headers=HQ
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "deadline"
    extended = await http.post(
        f"{url}/120000/extend", json={"deadline": later, "reason": "系统升级"}, headers=HQ
    )
    assert extended.status_code == 200, extended.text
    body = extended.json()
    assert (body["extended"], body["status"], body["history"][-1]["reason"]) == (
        True,
        "missing",
        "系统升级",
    )
    audit = (
        await http.get(
            f"{aggregator.url}/v1/audit",
            params={"record_id": f"{campaign}|120000"},
            headers=ADMIN,
        )
    ).json()["items"]
    assert [(e["action"], e["actor"]["role"]) for e in audit] == [
        ("SubmissionDeadlineExtended", "hq")
    ]

    # a report e-mailed to hq an hour ago, recorded on the unit's behalf
    arrived = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    uploaded = await http.post(
        f"{base}/files",
        files={"file": ("总结.docx", docx(), "application/octet-stream")},
        data={"kind": "summary", "province": "130000"},
        headers=HQ,
    )
    assert uploaded.status_code == 201, uploaded.text
    file_id = uploaded.json()["id"]
    on_behalf = {
        "summary": "邮件报送",
        "channel": "email",
        "received_at": arrived,
        "files": [file_id],
    }
    elsewhere = await http.post(f"{url}/140000/on-behalf", json=on_behalf, headers=HQ)
    assert elsewhere.status_code == 422  # a file of another unit's package
    assert (
        await http.post(
            f"{url}/130000/on-behalf", json=on_behalf, headers=auth("province", "130000")
        )
    ).status_code == 403
    recorded = await http.post(f"{url}/130000/on-behalf", json=on_behalf, headers=HQ)
    assert recorded.status_code == 201, recorded.text
    step = recorded.json()["history"][-1]
    assert (step["channel"], step["files"], step["by"]) == ("email", [file_id], "test-hq-national")
    assert recorded.json()["on_time"] is True
    own = (await http.get(f"{url}/130000", headers=auth("province", "130000"))).json()
    assert own["channel"] == "email"

    # approved figures beside the live ones; the live answer keeps its contract shape
    await http.post(f"{url}/130000/approve", json={"comment": "同意"}, headers=HQ)
    live = (await http.get(f"{base}/statistics", headers=HQ)).json()
    assert "basis" not in live and len(live["provinces"]) == 32
    approved = (
        await http.get(f"{base}/statistics", params={"basis": "approved"}, headers=HQ)
    ).json()
    assert approved["basis"] == "approved" and approved["approved_units"] == 1
    rows = {r["province"]: r for r in approved["provinces"]}
    assert rows["130000"]["approval"]["channel"] == "email"
    assert rows["110000"]["approval"] is None
    assert approved["totals"] == rows["130000"]["metrics"]
    x = await http.get(f"{base}/statistics.xlsx", params={"basis": "approved"}, headers=HQ)
    assert x.status_code == 200 and "%E5%AE%A1%E6%A0%B8" in x.headers["content-disposition"]
    bad = await http.get(f"{base}/statistics", params={"basis": "mine"}, headers=HQ)
    assert bad.status_code == 422

    # returned with a comment the province sees
    await http.post(f"{url}/130000/return", json={"comment": "请补充典型案例"}, headers=HQ)
    seen = (await http.get(f"{url}/130000", headers=auth("province", "130000"))).json()
    assert (seen["status"], seen["comment"]) == ("returned", "请补充典型案例")

    # reminders: by hand, in the list, the province sees its own; contacts kept by hq
    contacts = await http.put(
        f"{aggregator.url}/v1/unit-contacts/110000",
        json={"emails": ["zhijian@bj.example.gov.cn"]},
        headers=HQ,
    )
    assert contacts.status_code == 200
    assert (
        await http.put(
            f"{aggregator.url}/v1/unit-contacts/110000", json={"emails": ["nope"]}, headers=HQ
        )
    ).status_code == 422
    reminded = await http.post(f"{url}/110000/remind", headers=HQ)
    assert reminded.status_code == 201, reminded.text
    manual = reminded.json()["step"]
    assert manual.startswith("manual-") and reminded.json()["email_recipients"] == 1
    assert (await http.post(f"{url}/130000/remind", headers=HQ)).status_code == 409
    # the watch reminds the units by itself: a day is left, 4 for the extended unit
    mine = await eventually(
        lambda: http.get(f"{base}/reminders", headers=auth("province", "110000")),
        until=lambda r: {x["step"] for x in r.json()["items"]} >= {"before-1d", manual},
        what="the scheduled reminder beside the manual one",
    )
    assert {r["province"] for r in mine.json()["items"]} == {"110000"}
    other = (await http.get(f"{base}/reminders", headers=auth("province", "120000"))).json()
    assert {r["province"] for r in other["items"]} <= {"120000"}
