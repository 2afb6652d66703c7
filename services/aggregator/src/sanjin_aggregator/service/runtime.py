"""What the aggregator's process runs beside its API, as one typed object (its
`Platform.extension`): the live read models with their consumer, the deadline watch's stop
signal, and how the reminder service is made. The API reaches the read models through here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.register import RegisterStore
from sanjin_aggregator.service.readmodels import LiveReadModels, ReadModels
from sanjin_aggregator.service.reminders import ReminderService
from sanjin_shared.app import Platform
from sanjin_shared.mongo import UnitOfWork


@dataclass
class AggregatorRuntime:
    read_models: LiveReadModels
    reminders: Callable[[UnitOfWork], ReminderService]
    deadline_watch_stopping: asyncio.Event

    def current(self) -> ReadModels:
        current = self.read_models.current
        assert current is not None, "the read models are opened at startup"
        return current


def runtime(platform: Platform) -> AggregatorRuntime:
    return platform.extension_of(AggregatorRuntime)


def statistics_store(platform: Platform) -> StatisticsStore:
    """The statistics of the live generation (what the API reads)."""
    return runtime(platform).current().statistics


def register_store(platform: Platform) -> RegisterStore:
    """The national register of the live generation (what the API reads)."""
    return runtime(platform).current().register


def reminder_service(platform: Platform, uow: UnitOfWork) -> ReminderService:
    return runtime(platform).reminders(uow)
