"""Writing an activity and its report through the events API, as a province does."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import auth
from tests.support.factories import activity_body, report_body


async def reported_activity(
    http: httpx.AsyncClient, events_url: str, campaign: str, province: str, participants: int
) -> dict[str, Any]:
    """Schedule an activity in `province` and report `participants`; the activity as created."""
    headers = auth("province", province)
    activity = (
        await http.post(
            f"{events_url}/v1/activities", json=activity_body(campaign), headers=headers
        )
    ).json()
    await http.post(
        f"{events_url}/v1/activities/{activity['id']}/report",
        json=report_body(participants=participants),
        headers=headers,
    )
    return dict(activity)
