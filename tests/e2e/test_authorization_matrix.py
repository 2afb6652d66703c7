"""Who may do what, proven for every operation of every service (OWASP API Top 10 2023, 1 to 5).

The operations come from each service's own OpenAPI. `POLICY` gives each one its access rule
and a valid request; a new operation without an entry fails the first test. The matrix then
calls every operation as every kind of caller (no token, an expired token, a token for another
audience, a token with a wrong signature, the record's province, another province, hq, admin)
on every kind of object reference (a record of the caller's province, another province's record,
an id that does not exist) and compares the status with what the rule says:

- broken object level authorisation: another province's record is a 404, as if it did not exist;
- broken authentication: every operation but the public ones answers 401 to the four bad tokens;
- broken function level authorisation: hq-only, admin-only and province-only operations are 403
  for the others; the viewer is refused everything but national statistics, exports, the
  tracker, the campaigns and the risk signals (no approval, return, campaign definition,
  records or personal data);
- broken property level authorisation: every create and change refuses, with 422, each
  server-owned field (those of its answer that its request does not have), and a province body
  naming another province is a 403;
- unrestricted resource consumption: every list refuses `limit` above 500.

Every write that succeeds must have left an audit entry with its correlation id and caller.
"""

from __future__ import annotations

import io
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx
import jwt
import pytest
from openpyxl import Workbook

from sanjin_events.api.workbooks import SHEET as ACTIVITIES
from sanjin_inspection.api.workbooks import SHEET as RESULTS
from sanjin_risk_monitoring.api.workbooks import POINTS, REPORTS
from sanjin_shared.auth import mint_token
from sanjin_shared.registry import SERVICES
from sanjin_shared.workbook import RecordSheet
from sanjin_shared.workbook import template as build_template
from tests.conftest import TEST_SECRET, World
from tests.support.campaigns import CampaignTopic
from tests.support.factories import (
    QUESTIONS,
    activity_body,
    booking_body,
    point_body,
    report_body,
    risk_report_body,
    session_body,
    survey_body,
)
from tests.support.office_files import docx, jpeg_with_gps
from tests.support.services import ServiceProcess
from tests.support.workbooks import fill, upload

A, B = "110000", "120000"  # A owns the records; B is "another province"
MISSING = "does-not-exist-0000"


class Access(Enum):
    PUBLIC = "no token needed"
    READ = "the record's province, hq, admin; others 404"
    LIST = "every valid token (a province sees its own)"
    CREATE = "a province for itself; hq and admin naming the province"
    CHANGE = "a change by the record's province, hq, admin; others 404"
    HQ = "hq and admin; provinces 403"
    ADMIN = "admin only; others 403"
    PROVINCE = "provinces only (their own); hq and admin 403"


# -- callers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    name: str
    headers: dict[str, str]
    role: str | None = None  # None: the token is not valid
    province: str | None = None

    @property
    def valid(self) -> bool:
        return self.role is not None

    @property
    def sub(self) -> str:
        return f"matrix-{self.name}"


def _callers() -> list[Caller]:
    def bearer(raw: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {raw}"}

    def good(name: str, role: str, province: str | None = None) -> Caller:
        raw = mint_token(TEST_SECRET, sub=f"matrix-{name}", role=role, province=province)
        return Caller(name, bearer(raw), role, province)

    expired = mint_token(
        TEST_SECRET, sub="matrix-expired", role="hq", now=time.time() - 3 * 3600, ttl_s=60
    )
    audience = mint_token(TEST_SECRET, sub="matrix-aud", role="hq", audience="someone-else")
    forged = jwt.encode(
        {"sub": "matrix-forged", "role": "admin", "aud": "sanjin", "exp": time.time() + 600},
        "not-the-secret-" * 4,
        algorithm="HS256",
    )
    return [
        Caller("no-token", {}),
        Caller("expired", bearer(expired)),
        Caller("wrong-audience", bearer(audience)),
        Caller("wrong-signature", bearer(forged)),
        good("owner", "province", A),
        good("other-province", "province", B),
        good("hq", "hq"),
        good("viewer", "viewer"),
        good("admin", "admin"),
    ]


CALLERS = _callers()
ADMIN = next(c for c in CALLERS if c.name == "admin")


# -- records to point at -------------------------------------------------------------------------------


@dataclass
class World5:
    """The five services, a campaign, and makers of fresh records of each kind."""

    http: httpx.AsyncClient
    urls: dict[str, str]
    campaign: str
    topic: CampaignTopic
    cache: dict[tuple[str, str], str] = field(default_factory=dict)
    counter: int = 0

    def headers(self, province: str) -> dict[str, str]:
        raw = mint_token(TEST_SECRET, sub=f"maker-{province}", role="province", province=province)
        return {"Authorization": f"Bearer {raw}"}

    async def post(self, service: str, path: str, body: Any, province: str) -> dict[str, Any]:
        r = await self.http.post(
            self.urls[service] + path, json=body, headers=self.headers(province)
        )
        assert r.status_code in (200, 201), f"making {path}: {r.status_code} {r.text}"
        return dict(r.json())

    def n(self) -> int:
        self.counter += 1
        return 900_000 + self.counter

    async def make(self, kind: str, province: str) -> str:
        """A new record of `kind` in `province`; its id."""
        c = self.campaign
        if kind == "activity":
            return (await self.post("events", "/v1/activities", activity_body(c), province))["id"]
        if kind == "point":
            body = point_body(c, name=f"点{self.n()}")
            return (await self.post("risk_monitoring", "/v1/monitoring-points", body, province))[
                "id"
            ]
        if kind == "inactive_point":
            point = await self.make("point", province)
            path = f"/v1/monitoring-points/{point}/deactivate"
            await self.post("risk_monitoring", path, {"reason": "撤并"}, province)
            return point
        if kind == "report":
            body = risk_report_body(await self.existing("point", province), c, brand=f"B{self.n()}")
            return (await self.post("risk_monitoring", "/v1/risk-reports", body, province))["id"]
        if kind == "session":
            body = session_body(c, capacity=50)
            return (await self.post("inspection", "/v1/inspection-sessions", body, province))["id"]
        if kind == "booking":
            path = f"/v1/inspection-sessions/{await self.existing('session', province)}/bookings"
            return (await self.post("inspection", path, booking_body(self.n()), province))["id"]
        if kind == "result":
            path = f"/v1/inspection-sessions/{await self.existing('session', province)}/results"
            body = {"product_category": "toys", "service": "testing", "outcome": "pass"}
            return (await self.post("inspection", path, body, province))["id"]
        if kind == "survey":
            return (await self.post("survey", "/v1/surveys", survey_body(c), province))["id"]
        if kind == "file":
            r = await self.http.post(
                f"{self.urls['aggregator']}/v1/campaigns/{c}/files",
                files={"file": ("总结.docx", docx(), "application/octet-stream")},
                data={"kind": "summary"},
                headers=self.headers(province),
            )
            assert r.status_code == 201, f"making a file: {r.status_code} {r.text}"
            return str(r.json()["id"])
        if kind == "photo":
            r = await self.http.post(
                f"{self.urls['aggregator']}/v1/campaigns/{c}/files",
                files={"file": ("现场.jpg", jpeg_with_gps(), "image/jpeg")},
                data={"kind": "photo"},
                headers=self.headers(province),
            )
            assert r.status_code == 201, f"making a photo: {r.status_code} {r.text}"
            return str(r.json()["id"])
        if kind == "case":
            body = {"title": f"案例{self.n()}", "text": "做法与成效"}
            return (await self.post("aggregator", f"/v1/campaigns/{c}/cases", body, province))["id"]
        if kind == "province":
            return province
        raise AssertionError(kind)

    async def existing(self, kind: str, province: str) -> str:
        """One record of `kind` in `province`, made once and shared by the reads."""
        if (kind, province) not in self.cache:
            self.cache[(kind, province)] = await self.make(kind, province)
        return self.cache[(kind, province)]


# -- the policy ------------------------------------------------------------------------------------------

Body = Callable[["Request"], Any]
# a multipart request: its files, its form fields and its query parameters
Upload = Callable[["Request"], tuple[dict[str, Any], dict[str, str], dict[str, str]]]


@dataclass(frozen=True)
class Entry:
    access: Access
    ok: int = 200
    record: str | None = None  # the kind of record the path points at
    body: Body | None = None
    fresh: bool = False  # the call changes the record: a new one for each caller
    query: dict[str, str] | None = None
    viewer: bool = False  # the viewer may call it, reading as hq does; otherwise a 403
    upload: Upload | None = None  # a multipart request instead of a JSON body


@dataclass
class Request:
    """What a body builder may use: the campaign, the province the record belongs to, and ids
    of records of that province."""

    world: World5
    province: str
    names_province: bool  # hq and admin name the province of what they create
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def campaign(self) -> str:
        return self.world.campaign

    def scoped(self, body: dict[str, Any]) -> dict[str, Any]:
        return body | {"province": self.province} if self.names_province else body


def _risk_report(r: Request) -> dict[str, Any]:
    return r.scoped(risk_report_body(r.ids["point"], r.campaign, brand=f"M{uuid.uuid4().hex[:6]}"))


def _xid() -> str:
    return f"X-{uuid.uuid4().hex[:12]}"


def _result() -> dict[str, Any]:
    return {"product_category": "toys", "service": "testing", "outcome": "pass"}


def _answers(r: Request) -> dict[str, Any]:
    return {"respondent_id": f"uuid:{uuid.uuid4()}", "answers": {"q1": 4, "q2": 6}}


def _campaign_body(_r: Request) -> dict[str, Any]:
    return {
        "starts_on": "2019-09-01",
        "ends_on": "2019-11-30",
        "report_deadline": "2019-11-30T23:59:59+08:00",
    }


def _workbook(sheet: RecordSheet, row: dict[str, Any]) -> Upload:
    """An upload of a one-row workbook of `sheet` (hq and admin name the province in the query)."""

    def build(r: Request) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        data = fill(build_template(sheet, max_rows=10), sheet, [(row | _row_of(r),)])
        return upload(data), {}, ({"province": r.province} if r.names_province else {})

    return build


def _row_of(r: Request) -> dict[str, Any]:
    return {
        "campaign": r.campaign,
        "external_id": _xid(),
        "name": f"点{uuid.uuid4().hex[:8]}",
        "monitoring_point_id": r.ids["point"],
        "brand": f"W{uuid.uuid4().hex[:6]}",
    }


def _responses(r: Request) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """A workbook of one paper response to the factory's survey (its questions' columns)."""
    book = Workbook()
    ws = book.active
    ws.title = "满意度调查问卷"
    ws.append(["问卷编号", *(f"{i + 1}. {q['text']}" for i, q in enumerate(QUESTIONS))])
    ws.append([f"uuid:{uuid.uuid4()}", *(q["scale_max"] for q in QUESTIONS)])
    out = io.BytesIO()
    book.save(out)
    return upload(out.getvalue()), {}, {}


def _file_upload(r: Request) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    form = {"kind": "summary"} | ({"province": r.province} if r.names_province else {})
    summary = docx(f"总结 {uuid.uuid4()}")  # new content: the same content is stored once
    return {"file": ("总结.docx", summary, "application/octet-stream")}, form, {}


def _case(r: Request) -> dict[str, Any]:
    return r.scoped({"title": "典型案例", "text": "做法与成效"})


SERVICE_NAMES = [s.name for s in SERVICES]

P = Access
POLICY: dict[tuple[str, str, str], Entry] = {
    # every service
    **{
        (s, "GET", path): Entry(P.PUBLIC)
        for s in SERVICE_NAMES
        for path in ("/healthz", "/readyz", "/metrics")
    },
    **{(s, "GET", "/v1/audit"): Entry(P.HQ) for s in SERVICE_NAMES},
    # a campaign: the aggregator's definition, each intake service's copy (the window it keeps
    # its records to)
    **{(s, "GET", "/v1/campaigns/{campaign}"): Entry(P.LIST, viewer=True) for s in SERVICE_NAMES},
    # events
    ("events", "POST", "/v1/activities"): Entry(
        P.CREATE, 201, body=lambda r: r.scoped(activity_body(r.campaign))
    ),
    ("events", "GET", "/v1/activities"): Entry(P.LIST),
    ("events", "POST", "/v1/activities:batch"): Entry(
        P.CREATE,
        body=lambda r: {"items": [r.scoped(activity_body(r.campaign, external_id=_xid()))]},
    ),
    ("events", "POST", "/v1/activities/{activity_id}/report"): Entry(
        P.CHANGE, record="activity", body=lambda r: report_body(), fresh=True
    ),
    ("events", "POST", "/v1/activities/{activity_id}/cancel"): Entry(
        P.CHANGE, record="activity", body=lambda r: {"reason": "天气"}, fresh=True
    ),
    ("events", "GET", "/v1/activities/{activity_id}"): Entry(P.READ, record="activity"),
    # risk_monitoring
    ("risk_monitoring", "POST", "/v1/monitoring-points"): Entry(
        P.CREATE, 201, body=lambda r: r.scoped(point_body(r.campaign, name=f"点{uuid.uuid4()}"))
    ),
    ("risk_monitoring", "GET", "/v1/monitoring-points"): Entry(P.LIST),
    ("risk_monitoring", "GET", "/v1/monitoring-points/{point_id}"): Entry(P.READ, record="point"),
    ("risk_monitoring", "PATCH", "/v1/monitoring-points/{point_id}"): Entry(
        P.CHANGE, record="point", body=lambda r: {"address": "新地址1号"}, fresh=True
    ),
    ("risk_monitoring", "POST", "/v1/monitoring-points/{point_id}/evaluations"): Entry(
        P.CHANGE,
        record="point",
        body=lambda r: {"evaluated_on": "2019-10-01", "score": 90, "evaluator": "专家组"},
        fresh=True,
    ),
    ("risk_monitoring", "POST", "/v1/monitoring-points/{point_id}/deactivate"): Entry(
        P.CHANGE, record="point", body=lambda r: {"reason": "撤并"}, fresh=True
    ),
    ("risk_monitoring", "POST", "/v1/monitoring-points/{point_id}/reactivate"): Entry(
        P.CHANGE, record="inactive_point", fresh=True
    ),
    ("risk_monitoring", "POST", "/v1/risk-reports"): Entry(P.CREATE, 201, body=_risk_report),
    ("risk_monitoring", "GET", "/v1/risk-reports"): Entry(P.LIST),
    ("risk_monitoring", "POST", "/v1/risk-reports:batch"): Entry(
        P.CREATE, body=lambda r: {"items": [_risk_report(r)]}
    ),
    ("risk_monitoring", "GET", "/v1/risk-reports/{report_id}"): Entry(P.READ, record="report"),
    ("risk_monitoring", "GET", "/v1/risk-signals"): Entry(P.LIST, viewer=True),
    # inspection
    ("inspection", "POST", "/v1/inspection-sessions"): Entry(
        P.CREATE, 201, body=lambda r: r.scoped(session_body(r.campaign))
    ),
    ("inspection", "GET", "/v1/inspection-sessions"): Entry(P.LIST),
    ("inspection", "GET", "/v1/inspection-sessions/{session_id}"): Entry(P.READ, record="session"),
    ("inspection", "PATCH", "/v1/inspection-sessions/{session_id}"): Entry(
        P.CHANGE, record="session", body=lambda r: {"capacity": 60}, fresh=True
    ),
    ("inspection", "POST", "/v1/inspection-sessions/{session_id}/cancel"): Entry(
        P.CHANGE, record="session", body=lambda r: {"reason": "场地"}, fresh=True
    ),
    ("inspection", "POST", "/v1/inspection-sessions/{session_id}/bookings"): Entry(
        P.CHANGE, 201, record="session", body=lambda r: booking_body(r.world.n()), fresh=True
    ),
    ("inspection", "GET", "/v1/inspection-sessions/{session_id}/bookings"): Entry(
        P.READ, record="session"
    ),
    ("inspection", "GET", "/v1/bookings/{booking_id}"): Entry(P.READ, record="booking"),
    ("inspection", "POST", "/v1/bookings/{booking_id}/cancel"): Entry(
        P.CHANGE, record="booking", fresh=True
    ),
    ("inspection", "POST", "/v1/inspection-sessions/{session_id}/results"): Entry(
        P.CHANGE, 201, record="session", body=lambda r: _result(), fresh=True
    ),
    ("inspection", "GET", "/v1/inspection-sessions/{session_id}/results"): Entry(
        P.READ, record="session"
    ),
    ("inspection", "POST", "/v1/inspection-sessions/{session_id}/results:batch"): Entry(
        P.CHANGE,
        record="session",
        body=lambda r: {"items": [_result() | {"external_id": _xid()}]},
        fresh=True,
    ),
    ("inspection", "GET", "/v1/inspection-results"): Entry(P.LIST),
    ("inspection", "GET", "/v1/inspection-results/{result_id}"): Entry(P.READ, record="result"),
    # survey
    ("survey", "POST", "/v1/surveys"): Entry(
        P.CREATE, 201, body=lambda r: r.scoped(survey_body(r.campaign))
    ),
    ("survey", "GET", "/v1/surveys"): Entry(P.LIST),
    ("survey", "GET", "/v1/surveys/{survey_id}"): Entry(P.READ, record="survey"),
    ("survey", "PATCH", "/v1/surveys/{survey_id}"): Entry(
        P.CHANGE, record="survey", body=lambda r: {"title": "新标题"}, fresh=True
    ),
    ("survey", "POST", "/v1/surveys/{survey_id}/close"): Entry(
        P.CHANGE, record="survey", fresh=True
    ),
    ("survey", "POST", "/v1/surveys/{survey_id}/responses"): Entry(
        P.CHANGE, 201, record="survey", body=_answers, fresh=True
    ),
    ("survey", "POST", "/v1/surveys/{survey_id}/responses:batch"): Entry(
        P.CHANGE, record="survey", body=lambda r: {"items": [_answers(r)]}, fresh=True
    ),
    ("survey", "GET", "/v1/surveys/{survey_id}/results"): Entry(P.READ, record="survey"),
    # aggregator
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics"): Entry(P.HQ, viewer=True),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics/daily"): Entry(P.LIST, viewer=True),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics/{province}"): Entry(
        P.READ, record="province", viewer=True
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics/{province}.xlsx"): Entry(
        P.READ, record="province", viewer=True
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/checklist/{province}"): Entry(
        P.READ, record="province", viewer=True
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics.xlsx"): Entry(P.HQ, viewer=True),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics.csv"): Entry(P.HQ, viewer=True),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics/compare"): Entry(
        P.HQ, viewer=True, query={"with": "2019"}
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/statistics/compare.xlsx"): Entry(
        P.HQ, viewer=True, query={"with": "2019"}
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/monitoring-points"): Entry(P.LIST, viewer=True),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/monitoring-points.xlsx"): Entry(
        P.LIST, viewer=True
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/monitoring-points.csv"): Entry(
        P.LIST, viewer=True
    ),
    ("aggregator", "PUT", "/v1/campaigns/{campaign}"): Entry(P.ADMIN, body=_campaign_body),
    ("aggregator", "GET", "/v1/campaigns"): Entry(P.LIST, viewer=True),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/submissions"): Entry(
        P.PROVINCE, 201, body=lambda r: {"summary": "本省三进活动总结"}
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/submissions"): Entry(P.HQ, viewer=True),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/submissions/{province}"): Entry(
        P.READ, record="province", viewer=True
    ),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/submissions/{province}/approve"): Entry(
        P.HQ, record="submitted", fresh=True
    ),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/submissions/{province}/return"): Entry(
        P.HQ, record="submitted", body=lambda r: {"comment": "请补充数据"}, fresh=True
    ),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/submissions/{province}/extend"): Entry(
        P.HQ,
        record="submitted",
        body=lambda r: {"deadline": "2019-12-07T23:59:59+08:00", "reason": "系统故障"},
        fresh=True,
    ),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/submissions/{province}/on-behalf"): Entry(
        P.HQ,
        201,
        record="submitted",
        body=lambda r: {
            "summary": "邮件报送的总结",
            "channel": "email",
            "received_at": "2019-11-30T20:00:00+08:00",
        },
        fresh=True,
    ),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/submissions/{province}/remind"): Entry(
        P.HQ, 201, record="unsubmitted", fresh=True
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/reminders"): Entry(P.LIST, viewer=True),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/reminders/run"): Entry(P.HQ),
    ("aggregator", "GET", "/v1/unit-contacts"): Entry(P.HQ),
    ("aggregator", "PUT", "/v1/unit-contacts/{province}"): Entry(
        P.HQ, record="unsubmitted", body=lambda r: {"emails": ["zhijian@example.gov.cn"]}
    ),
    ("aggregator", "GET", "/v1/reference"): Entry(P.LIST, viewer=True),
    ("aggregator", "GET", "/dashboard"): Entry(P.PUBLIC, ok=307),  # to the web application
    ("aggregator", "GET", "/asyncapi.json"): Entry(P.PUBLIC),
    # Excel in and out
    ("events", "GET", "/v1/activities/template.xlsx"): Entry(P.LIST),
    ("events", "GET", "/v1/activities/export.xlsx"): Entry(P.LIST),
    ("events", "POST", "/v1/activities:import"): Entry(
        P.CREATE, upload=_workbook(ACTIVITIES, activity_body("2019") | {"external_id": None})
    ),
    ("risk_monitoring", "GET", "/v1/monitoring-points/template.xlsx"): Entry(P.LIST),
    ("risk_monitoring", "GET", "/v1/monitoring-points/export.xlsx"): Entry(P.LIST),
    ("risk_monitoring", "POST", "/v1/monitoring-points:import"): Entry(
        P.CREATE, upload=_workbook(POINTS, point_body("2019"))
    ),
    ("risk_monitoring", "GET", "/v1/risk-reports/template.xlsx"): Entry(P.LIST),
    ("risk_monitoring", "GET", "/v1/risk-reports/export.xlsx"): Entry(P.LIST),
    ("risk_monitoring", "POST", "/v1/risk-reports:import"): Entry(
        P.CREATE, upload=_workbook(REPORTS, risk_report_body("-", "2019"))
    ),
    ("inspection", "GET", "/v1/inspection-results/template.xlsx"): Entry(P.LIST),
    ("inspection", "GET", "/v1/inspection-results/export.xlsx"): Entry(P.LIST),
    ("inspection", "POST", "/v1/inspection-sessions/{session_id}/results:import"): Entry(
        P.CHANGE,
        record="session",
        upload=_workbook(RESULTS, _result()),
        fresh=True,
    ),
    ("survey", "GET", "/v1/surveys/{survey_id}/responses/template.xlsx"): Entry(
        P.READ, record="survey"
    ),
    ("survey", "POST", "/v1/surveys/{survey_id}/responses:import"): Entry(
        P.CHANGE, record="survey", upload=_responses, fresh=True
    ),
    # the report package
    ("aggregator", "POST", "/v1/campaigns/{campaign}/files"): Entry(
        P.CREATE, 201, upload=_file_upload
    ),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/files"): Entry(P.LIST, viewer=True),
    ("aggregator", "GET", "/v1/files/{file_id}"): Entry(P.READ, record="file", viewer=True),
    ("aggregator", "GET", "/v1/files/{file_id}/preview"): Entry(
        P.READ, record="photo", viewer=True
    ),
    ("aggregator", "POST", "/v1/campaigns/{campaign}/cases"): Entry(P.CREATE, 201, body=_case),
    ("aggregator", "GET", "/v1/campaigns/{campaign}/cases"): Entry(P.LIST, viewer=True),
    ("aggregator", "GET", "/v1/cases/{case_id}"): Entry(P.READ, record="case", viewer=True),
    ("aggregator", "PUT", "/v1/cases/{case_id}"): Entry(
        P.CHANGE,
        record="case",
        body=lambda r: {"title": "典型案例（修改）", "text": "做法与成效"},
        fresh=True,
    ),
}

WRITES = ("POST", "PUT", "PATCH", "DELETE")


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def five(
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    aggregator: ServiceProcess,
) -> Iterator[dict[str, str]]:
    running = [events_service, risk_service, inspection_service, survey_service, aggregator]
    urls = {s.name: s.url for s in running}
    assert sorted(urls) == sorted(SERVICE_NAMES), "a service of the registry is not in the matrix"
    yield urls


def _operations(http: httpx.Client, urls: dict[str, str]) -> dict[tuple[str, str, str], Any]:
    ops = {}
    for service, url in urls.items():
        spec = http.get(f"{url}/openapi.json").json()
        for path, methods in spec["paths"].items():
            for method, op in methods.items():
                ops[(service, method.upper(), path)] = (op, spec)
    return ops


@pytest.fixture(scope="module")
def operations(five: dict[str, str]) -> dict[tuple[str, str, str], Any]:
    with httpx.Client(timeout=30) as http:
        return _operations(http, five)


def test_every_operation_has_a_policy_entry(operations: dict[tuple[str, str, str], Any]) -> None:
    ops = operations
    missing = sorted(set(ops) - set(POLICY))
    stale = sorted(set(POLICY) - set(ops))
    assert not missing, f"operations without an authorisation entry: {missing}"
    assert not stale, f"entries for operations that no longer exist: {stale}"


# -- the matrix ----------------------------------------------------------------------------------------


def expected(entry: Entry, caller: Caller, owner: str | None) -> int:
    """The status the rule gives; `owner` is the province of the record pointed at (None: an
    id that does not exist)."""
    if entry.access is Access.PUBLIC:
        return entry.ok
    if not caller.valid:
        return 401
    if caller.role == "viewer" and not entry.viewer:
        return 403  # national statistics, exports and campaigns only
    national = caller.role in ("hq", "viewer", "admin")
    if entry.access is Access.ADMIN:
        return entry.ok if caller.role == "admin" else 403
    if entry.access is Access.HQ:
        return (entry.ok if owner is not None else 404) if national else 403
    if entry.access is Access.PROVINCE:
        return 403 if national else entry.ok
    if entry.access in (Access.LIST, Access.CREATE):
        return entry.ok
    # READ and CHANGE: a record of another province does not exist for a province token
    if owner is None and entry.record == "province":
        return 422  # not a province code
    if owner is None or (not national and owner != caller.province):
        return 404
    return entry.ok


async def _fill(
    world: World5, entry: Entry, path: str, caller: Caller, ref: str
) -> tuple[str, str | None, Request]:
    """The path with its parameters, the owner of the record it points at, and the request."""
    owner: str | None = {
        "own": caller.province or A,
        "others": B if caller.province != B else A,
    }.get(ref)
    target = owner or A
    request = Request(world, target, names_province=caller.role in ("hq", "admin"))
    if "{campaign}" in path:
        path = path.replace("{campaign}", world.campaign)
    if entry.record in ("submitted", "unsubmitted"):  # a campaign of its own, so each decision
        campaign = f"{world.campaign}-{world.n()}"  # is new
        await _define(world, campaign)
        if entry.record == "submitted":
            await world.http.post(
                f"{world.urls['aggregator']}/v1/campaigns/{campaign}/submissions",
                json={"summary": "总结"},
                headers=world.headers(target),
            )
        path = path.replace(world.campaign, campaign).replace("{province}", target)
    elif entry.record is not None:
        if owner is None:
            record_id = "999999" if entry.record == "province" else MISSING
        elif entry.fresh and caller.valid:
            record_id = await world.make(entry.record, owner)
        else:
            record_id = await world.existing(entry.record, owner)
        path = path.split("{")[0] + record_id + path.split("}", 1)[1]
    if entry.access in (Access.CREATE, Access.PROVINCE):
        request.province = caller.province or A
        owner = request.province
    request.ids["point"] = await world.existing("point", request.province)
    return path, owner, request


async def _define(world: World5, campaign: str) -> None:
    r = await world.http.put(
        f"{world.urls['aggregator']}/v1/campaigns/{campaign}",
        json=_campaign_body(None),  # type: ignore[arg-type]
        headers=ADMIN.headers,
    )
    assert r.status_code in (200, 201), r.text
    await world.topic.published(campaign)  # the intake services learn it from the topic


def _refs(entry: Entry) -> list[str]:
    if entry.record in (None, "submitted", "unsubmitted"):
        return ["own"]
    return ["own", "others", "missing"]


async def test_authorisation_matrix_of_every_operation(
    five: dict[str, str], world: World, campaign_topic: CampaignTopic
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        w = World5(http, five, f"2019-matrix-{uuid.uuid4().hex[:8]}", campaign_topic)
        await _define(w, w.campaign)
        wrong: list[str] = []
        checked: Counter[str] = Counter()
        writes: list[tuple[str, str, Caller, str]] = []
        for (service, method, template), entry in sorted(POLICY.items()):
            for caller in CALLERS:
                for ref in _refs(entry):
                    path, owner, request = await _fill(w, entry, template, caller, ref)
                    if ref == "missing":
                        owner = None
                    want = expected(entry, caller, owner)
                    cid = f"matrix-{uuid.uuid4().hex}"
                    files, form, params = entry.upload(request) if entry.upload else ({}, {}, {})
                    params = params | (entry.query or {})
                    r = await http.request(
                        method,
                        w.urls[service] + path,
                        json=entry.body(request) if entry.body else None,
                        files=files or None,
                        data=form or None,
                        params=params or None,
                        headers=caller.headers | {"X-Correlation-Id": cid},
                    )
                    checked[entry.access.name] += 1
                    if r.status_code != want:
                        wrong.append(
                            f"{service} {method} {template} as {caller.name} on {ref}:"
                            f" {r.status_code} (expected {want}) {r.text[:160]}"
                        )
                    elif r.status_code >= 400 and entry.access is not Access.PUBLIC:
                        assert r.headers["content-type"].startswith("application/problem+json")
                    if (
                        method in WRITES
                        and r.status_code < 300
                        and entry.access is not Access.PUBLIC
                    ):
                        writes.append((service, method + " " + template, caller, cid))
        total = sum(checked.values())
        print(
            f"\n[matrix] {total} combinations checked over {len(POLICY)} operations: {dict(checked)}"
        )
        assert not wrong, f"{len(wrong)} of {total} wrong:\n" + "\n".join(wrong)

        # the audit trail of every write that succeeded
        hq = next(c for c in CALLERS if c.name == "hq").headers
        unaudited = []
        for service, op, caller, cid in writes:
            entries = (
                await http.get(
                    f"{w.urls[service]}/v1/audit", params={"correlation_id": cid}, headers=hq
                )
            ).json()["items"]
            if not entries or any(
                (e["actor"]["sub"], e["actor"]["role"]) != (caller.sub, caller.role)
                for e in entries
            ):
                unaudited.append(f"{service} {op} by {caller.name}: {entries}")
        print(f"[matrix] {len(writes)} successful writes, each with its audit entries")
        assert writes and not unaudited, "\n".join(unaudited)


# -- property level: server-owned fields ------------------------------------------------------------------


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "allOf"):
        if key in schema:
            for option in schema[key]:
                resolved = _resolve(option, spec)
                if resolved.get("properties"):
                    return resolved
    return schema


def _forged(name: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        return 99
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return {"status": "completed", "risk_level": "low", "province": A}.get(name, "forged")


async def test_a_client_cannot_set_server_owned_fields(
    five: dict[str, str],
    operations: dict[tuple[str, str, str], Any],
    campaign_topic: CampaignTopic,
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        w = World5(http, five, f"2019-props-{uuid.uuid4().hex[:8]}", campaign_topic)
        await _define(w, w.campaign)
        ops = operations
        owner = next(c for c in CALLERS if c.name == "owner")
        tried, leaks = 0, []
        for key, entry in sorted(POLICY.items()):
            service, method, template = key
            if entry.body is None or entry.access not in (Access.CREATE, Access.CHANGE):
                continue
            op, spec = ops[key]
            request_schema = _resolve(
                op["requestBody"]["content"]["application/json"]["schema"], spec
            )
            answer = op["responses"].get(str(entry.ok)) or op["responses"]["200"]
            response_schema = _resolve(answer["content"]["application/json"]["schema"], spec)
            accepted = set(request_schema.get("properties", {}))
            if "items" in accepted:  # a batch: its items are checked one by one (conflicts)
                continue
            owned = sorted(set(response_schema.get("properties", {})) - accepted)
            assert owned, f"{key}: no server-owned field found"
            for name in owned:
                path, _, request = await _fill(w, entry, template, owner, "own")
                body = entry.body(request) | {
                    name: _forged(name, response_schema["properties"][name])
                }
                r = await http.request(
                    method, w.urls[service] + path, json=body, headers=owner.headers
                )
                tried += 1
                fields = [e.get("field") for e in r.json().get("errors", [])]
                if r.status_code != 422 or name not in fields:
                    leaks.append(f"{service} {method} {template} with {name}: {r.status_code}")
        print(f"\n[matrix] {tried} server-owned fields refused")
        assert tried > 50 and not leaks, "\n".join(leaks)

        # a province body naming another province: 403 on every create that takes `province`
        for key, entry in sorted(POLICY.items()):
            if entry.access is not Access.CREATE:
                continue
            op, spec = ops[key]
            if entry.upload is not None:  # a multipart upload names it in its form or query
                path, _, request = await _fill(w, entry, key[2], owner, "own")
                files, form, _params = entry.upload(request)
                named = {"data": form | {"province": B}} if form else {"params": {"province": B}}
                r = await http.post(
                    w.urls[key[0]] + path, files=files, headers=owner.headers, **named
                )
                assert r.status_code == 403, (key, r.text)
                continue
            props = _resolve(op["requestBody"]["content"]["application/json"]["schema"], spec)
            if "province" not in props.get("properties", {}) or key[2].endswith(":batch"):
                continue
            path, _, request = await _fill(w, entry, key[2], owner, "own")
            body = entry.body(request) | {"province": B}  # type: ignore[misc]
            r = await http.post(w.urls[key[0]] + path, json=body, headers=owner.headers)
            assert r.status_code == 403, (key, r.text)


def test_every_list_caps_its_limit(
    five: dict[str, str], operations: dict[tuple[str, str, str], Any]
) -> None:
    hq = next(c for c in CALLERS if c.name == "hq")
    with httpx.Client(timeout=30) as http:
        ops = operations
        capped = 0
        for (service, method, template), (op, _spec) in sorted(ops.items()):
            names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            if method != "GET" or "limit" not in names or "{" in template.replace("{campaign}", ""):
                continue
            url = five[service] + template.replace("{campaign}", "2019")
            r = http.get(url, params={"limit": 501}, headers=hq.headers)
            assert r.status_code == 422, (service, template, r.status_code)
            assert http.get(url, params={"limit": 500}, headers=hq.headers).status_code == 200
            capped += 1
    print(f"\n[matrix] {capped} lists refuse limit=501")
    assert capped >= 8
