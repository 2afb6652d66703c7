"""The aggregator: consumes every domain event and serves headquarters' national view.

Run: uvicorn sanjin_aggregator.main:build_app --factory --port 8000
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from sanjin_aggregator.adapters.campaigns import CampaignRepository
from sanjin_aggregator.adapters.package import CaseRepository, FileStore
from sanjin_aggregator.adapters.reminders import ReminderRepository
from sanjin_aggregator.adapters.submissions import SubmissionRepository
from sanjin_aggregator.api import asyncapi, dashboard
from sanjin_aggregator.api.campaigns import router as campaigns_router
from sanjin_aggregator.api.compare import router as compare_router
from sanjin_aggregator.api.package import router as package_router
from sanjin_aggregator.api.register import router as register_router
from sanjin_aggregator.api.reminders import router as reminders_router
from sanjin_aggregator.api.routes import router
from sanjin_aggregator.service.campaigns import CampaignService
from sanjin_aggregator.service.readmodels import LiveReadModels
from sanjin_aggregator.service.reminders import reminders_of
from sanjin_aggregator.service.runtime import (
    AggregatorRuntime,
    reminder_service,
    runtime,
    statistics_store,
)
from sanjin_aggregator.service.submissions import SubmissionService, watch_deadlines
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_shared.app import Platform, create_app
from sanjin_shared.logging import get_logger
from sanjin_shared.topics import ACTIVITIES, CAMPAIGNS, INSPECTION, MONITORING, SURVEYS

log = get_logger(__name__)
CONSUMED_TOPICS = (ACTIVITIES.name, MONITORING.name, INSPECTION.name, SURVEYS.name, CAMPAIGNS.name)


def build_app(settings: AggregatorSettings | None = None) -> FastAPI:
    settings = settings or AggregatorSettings()

    async def start_read_models(platform: Platform) -> None:
        live = LiveReadModels(
            client=platform.mongo,
            db=platform.db,
            default_group=settings.consumer_group,
            consumer_options={
                "bootstrap": settings.kafka_bootstrap,
                "topic_prefix": settings.topic_prefix,
                "topics": CONSUMED_TOPICS,
                "service": settings.service_name,
                "max_records": settings.consumer_max_records,
            },
            check_every_s=settings.generation_check_interval_s,
        )
        await live.start()
        platform.extension = AggregatorRuntime(live, reminders_of(settings), asyncio.Event())
        platform.tasks.append(asyncio.create_task(live.follow(), name="generation-follow"))

    async def start_deadline_watch(platform: Platform) -> None:
        await CampaignRepository(platform.db).seed_defaults()
        await CampaignService(platform.unit_of_work()).announce_earlier()
        await SubmissionRepository(platform.db).ensure_indexes()
        await ReminderRepository(platform.db).ensure_indexes()
        await FileStore(platform.db).ensure_indexes()
        await CaseRepository(platform.db).ensure_indexes()
        stopping = runtime(platform).deadline_watch_stopping

        def service() -> SubmissionService:
            return SubmissionService(platform.unit_of_work(), statistics_store(platform))

        async def one_round() -> None:
            for campaign, province in await service().mark_overdue():
                log.info("submission overdue", campaign=campaign, province=province)
            reminders = reminder_service(platform, platform.unit_of_work())
            for said in await reminders.remind():
                log.info("reminder", campaign=said.campaign, province=said.province, step=said.step)
            await reminders.deliver()

        platform.tasks.append(
            asyncio.create_task(
                watch_deadlines(one_round, settings.deadline_check_interval_s, stopping),
                name="deadline-watch",
            )
        )

    async def stop_background(platform: Platform) -> None:
        await runtime(platform).read_models.stop()
        runtime(platform).deadline_watch_stopping.set()

    # compare before router: its /statistics/{province} would take /statistics/compare
    routers = [
        compare_router,
        router,
        register_router,
        campaigns_router,
        reminders_router,
        package_router,
        dashboard.reference,
        dashboard.page,
        asyncapi.router,
    ]
    app = create_app(
        settings,
        title="Sanjin aggregator",
        description="The national statistics of the 三进 campaign for headquarters (SAMR) and "
        "the national association.",
        routers=routers,
        on_startup=[start_read_models, start_deadline_watch],
        on_shutdown=[stop_background],
    )
    app.state.dashboard_url = settings.dashboard_url
    return app
