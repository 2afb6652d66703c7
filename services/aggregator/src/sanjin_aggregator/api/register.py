"""The national register of monitoring points (docs/api.md: GET /v1/campaigns/{c}/monitoring-points)."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.xlsx import XLSX_MEDIA_TYPE, workbook
from sanjin_aggregator.api.routes import CampaignId, Store, attachment
from sanjin_aggregator.domain.register import PointInCampaign
from sanjin_aggregator.service.register import ATTACHMENT_2, ordered, points_in_campaign
from sanjin_shared.auth import AnyPrincipal, Principal, Role
from sanjin_shared.pagination import MAX_LIMIT
from sanjin_shared.personal import mask_name, mask_phone, sees_personal_data
from sanjin_shared.problems import Unprocessable
from sanjin_shared.reference import PROVINCES, VenueType
from sanjin_shared.sheets import write_csv

router = APIRouter(prefix="/v1", tags=["register"])


class RegisterRow(BaseModel):
    id: str
    province: str
    province_name: str
    name: str
    venue_type: VenueType
    venue_type_zh: str
    city: str
    county: str
    address: str
    host_organization: str
    contact_name: str
    contact_phone: str
    established_on: date
    capabilities: list[str]
    capabilities_text: str
    status: str
    status_zh: str
    evaluations: int
    latest_evaluated_on: date | None
    latest_score: int | None


class Register(BaseModel):
    campaign: str
    total: int
    items: list[RegisterRow]
    next_cursor: str | None = None


def _row(listed: PointInCampaign, principal: Principal) -> RegisterRow:
    p = listed.point
    # the host organisation's contact is what Attachment 2 collects for headquarters; a viewer
    # sees it masked, name and phone (no personal data)
    sees_phone = sees_personal_data(principal, p.province, collected_for_hq=True)
    latest = listed.latest_evaluation
    return RegisterRow(
        id=p.id,
        province=p.province,
        province_name=PROVINCES.get(p.province, p.province),
        name=p.name,
        venue_type=p.venue_type,
        venue_type_zh=p.venue_type.label_zh,
        city=p.city,
        county=p.county,
        address=p.address,
        host_organization=p.host_organization,
        contact_name=p.contact_name if sees_phone else mask_name(p.contact_name),
        contact_phone=p.contact_phone if sees_phone else mask_phone(p.contact_phone),
        established_on=p.established_on,
        capabilities=p.capabilities,
        capabilities_text="、".join(p.capabilities),
        status=p.status,
        status_zh="在用" if p.status == "active" else "停用",
        evaluations=len(listed.evaluations),
        latest_evaluated_on=latest.evaluated_on if latest else None,
        latest_score=latest.score if latest else None,
    )


async def _register(campaign: str, principal: Principal, store: StatisticsStore) -> Register:
    """Every point in use during the campaign, wherever it was registered, with its
    evaluations in the campaign."""
    own = principal.province if principal.role is Role.province else None
    window = await store.windows.get(campaign)
    points = await points_in_campaign(store.register, window, own)
    rows = [_row(p, principal) for p in ordered(points) if p.listed]
    return Register(campaign=campaign, total=len(rows), items=rows)


@router.get(
    "/campaigns/{campaign}/monitoring-points",
    operation_id="register-list",
    response_model=Register,
    summary="The national register of monitoring points (a province sees its own)",
)
async def national_register(
    campaign: CampaignId,
    principal: AnyPrincipal,
    store: Store,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = MAX_LIMIT,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Register:
    """In GB/T 2260 order of provinces (XPCC last), then by name; `total` counts all rows."""
    register = await _register(campaign, principal, store)
    start = _offset(cursor)
    more = start + limit < register.total
    return register.model_copy(
        update={
            "items": register.items[start : start + limit],
            "next_cursor": _cursor(start + limit) if more else None,
        }
    )


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "o" or int(value) < 0:
            raise ValueError(cursor)
        return int(value)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise Unprocessable("the cursor is not valid", field="cursor") from exc


@router.get(
    "/campaigns/{campaign}/monitoring-points.xlsx",
    operation_id="register-export-xlsx",
    summary="The register as a spreadsheet, laid out as Attachment 2 of the notice",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def national_register_xlsx(
    campaign: CampaignId, principal: AnyPrincipal, store: Store
) -> Response:
    headers, rows = _attachment_2(await _register(campaign, principal, store))
    body = workbook(f"{campaign}年{REGISTER_TITLE}", "监测点登记表", headers, rows)
    return attachment(body, XLSX_MEDIA_TYPE, f"{REGISTER_TITLE}-{campaign}.xlsx")


@router.get(
    "/campaigns/{campaign}/monitoring-points.csv",
    operation_id="register-export-csv",
    summary="The register as CSV (UTF-8 with BOM, the spreadsheet's Chinese headers)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def national_register_csv(
    campaign: CampaignId, principal: AnyPrincipal, store: Store
) -> Response:
    headers, rows = _attachment_2(await _register(campaign, principal, store))
    body = write_csv(headers, rows)
    return attachment(body, "text/csv; charset=utf-8", f"{REGISTER_TITLE}-{campaign}.csv")


REGISTER_TITLE = "消费品质量安全风险信息监测点登记表"


def _attachment_2(register: Register) -> tuple[list[str], list[list[object]]]:
    """The register's rows as Attachment 2 lays them out (the .xlsx and the .csv alike)."""
    headers = ["序号", *(h for h, _ in ATTACHMENT_2)]
    rows = [
        [i, *(getattr(row, attr) for _, attr in ATTACHMENT_2)]
        for i, row in enumerate(register.items, 1)
    ]
    return headers, [[v.isoformat() if isinstance(v, date) else v for v in r] for r in rows]
