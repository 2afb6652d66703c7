"""The checklist of one reporting unit: the facts gathered from the read models (statistics,
register, report package, submissions), judged by `domain.checklist.checklist`."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from sanjin_aggregator.adapters.package import CaseFilter, CaseRepository, FileFilter, FileStore
from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.register import RegisterStore
from sanjin_aggregator.domain.checklist import ChecklistItem, UnitFacts, checklist
from sanjin_aggregator.domain.register import Window
from sanjin_aggregator.service.register import points_in_campaign
from sanjin_aggregator.service.statistics import statistics
from sanjin_aggregator.service.submissions import SubmissionService
from sanjin_shared.clock import beijing_date


async def unit_checklist(
    db: AsyncDatabase[Any],
    submissions: SubmissionService,
    store: StatisticsStore,
    register: RegisterStore,
    campaign_id: str,
    province: str,
) -> list[ChecklistItem]:
    campaign, submission = await submissions.of_province(campaign_id, province)
    table = await statistics(store, campaign_id)
    row = next(r for r in table.provinces if r.province == province)
    files = await FileStore(db).list(FileFilter(campaign=campaign_id, province=province))
    cases = await CaseRepository(db).list(CaseFilter(campaign=campaign_id, province=province))
    facts = UnitFacts(
        today=beijing_date(submissions.now()),
        metrics=row.metrics,
        points=await points_in_campaign(
            register, Window(campaign.starts_on, campaign.ends_on), province
        ),
        unreported=await store.unreported(campaign_id, province),
        files=[f.kind for f in files],
        cases=len(cases),
        status=submission.status,
    )
    return checklist(facts)
