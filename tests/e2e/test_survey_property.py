"""Property, over HTTP against the real services: for any sequence of submissions (repeats,
conflicting answers under one respondent id, invalid scores), the survey's incremental results
equal a recomputation from the responses it stored, and the aggregator's national index equals
the index over all responses."""

from __future__ import annotations

import math
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import AsyncMongoClient

from sanjin_survey.domain.index import (
    Moments,
    Question,
    dimension_indices,
    estimate,
    response_index,
)
from tests.conftest import World, auth
from tests.support.campaigns import TEST_WINDOW, CampaignTopic
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

QUESTIONS = [
    Question(id="q1", text="质量", dimension="quality", scale_max=5, weight=2.0),
    Question(id="q2", text="安全", dimension="safety", scale_max=7, weight=1.0),
    Question(id="q3", text="标识", dimension="labelling", scale_max=10, weight=0.5, required=False),
]
submission = st.tuples(
    st.sampled_from([f"r{i}" for i in range(6)]),
    st.integers(1, 6),  # 6 is outside q1's scale: a 422
    st.integers(1, 7),
    st.one_of(st.none(), st.integers(1, 10)),
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(submissions=st.lists(submission, min_size=1, max_size=14))
async def test_incremental_results_equal_a_recomputation(
    world: World,
    survey_service: ServiceProcess,
    aggregator: ServiceProcess,
    submissions: list[tuple[str, int, int, int | None]],
    campaign_topic: CampaignTopic,
) -> None:
    campaign = f"2019-{uuid.uuid4().hex[:10]}"
    await campaign_topic.define(campaign, *TEST_WINDOW)
    headers = auth("province", "650000")
    async with httpx.AsyncClient(timeout=30) as http:
        body = {
            "campaign": campaign,
            "product_category": "e_bikes",
            "title": "电动自行车满意度",
            "questions": [
                {
                    "id": q.id,
                    "text": q.text,
                    "dimension": q.dimension,
                    "scale_max": q.scale_max,
                    "weight": q.weight,
                    "required": q.required,
                }
                for q in QUESTIONS
            ],
            "opens_on": "2019-09-01",
            "closes_on": "2099-12-31",
        }
        survey = (
            await http.post(f"{survey_service.url}/v1/surveys", json=body, headers=headers)
        ).json()
        accepted: dict[str, dict[str, int]] = {}
        for respondent, q1, q2, q3 in submissions:
            answers = {"q1": q1, "q2": q2, **({"q3": q3} if q3 is not None else {})}
            r = await http.post(
                f"{survey_service.url}/v1/surveys/{survey['id']}/responses",
                json={"respondent_id": respondent, "answers": answers},
                headers=headers,
            )
            # ODK order: an id already recorded answers 200 (same answers) or 409 (any other,
            # valid or not); a new id with a score off its scale is 422 and records nothing
            if respondent in accepted:
                assert r.status_code == (200 if accepted[respondent] == answers else 409), r.text
            elif q1 > 5:
                assert r.status_code == 422, r.text
            else:
                assert r.status_code == 201, r.text
                accepted[respondent] = answers
        results = (
            await http.get(
                f"{survey_service.url}/v1/surveys/{survey['id']}/results", headers=headers
            )
        ).json()

        client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
        try:
            stored = (
                await client[f"{world.name}_survey"]["responses"]
                .find({"survey_id": survey["id"]})
                .to_list()
            )
        finally:
            await client.close()
        assert {d["respondent_id"]: d["answers"] for d in stored} == accepted

        overall, dims = Moments(), {}
        for d in stored:
            value = response_index(QUESTIONS, d["answers"])
            if value is not None:
                overall = overall.add(value)
            for dim, v in dimension_indices(QUESTIONS, d["answers"]).items():
                dims[dim] = dims.get(dim, Moments()).add(v)
        expected = estimate(overall)
        assert results["responses"] == expected.n == len(accepted)
        assert (
            results["satisfaction_index"] == pytest.approx(expected.index, abs=0.011)
            if expected.index is not None
            else results["satisfaction_index"] is None
        )
        assert results["unstable"] == expected.unstable
        if expected.ci95:
            assert results["ci95"] == pytest.approx(list(expected.ci95), abs=0.011)
        assert set(results["by_dimension"]) == set(dims)
        for dim, m in dims.items():
            assert results["by_dimension"][dim]["satisfaction_index"] == pytest.approx(
                estimate(m).index, abs=0.011
            )

        if accepted:
            table = await eventually(
                lambda: http.get(
                    f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq")
                ),
                until=lambda r: r.json()["totals"]["survey_responses"] == len(accepted),
                what="the responses in the aggregator",
            )
            mean = math.fsum(response_index(QUESTIONS, a) or 0 for a in accepted.values()) / len(
                accepted
            )
            assert table.json()["totals"]["satisfaction_index"] == pytest.approx(
                round(mean, 2), abs=0.011
            )
