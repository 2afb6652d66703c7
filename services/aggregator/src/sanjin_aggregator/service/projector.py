"""The aggregator's projection: applies a batch of new events to the statistics read model.

Runs inside the consumer's transaction (see sanjin_shared.consumer): the batch is folded in
memory (domain.projection), then written with one bulk write per collection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from sanjin_aggregator.adapters.readmodel import StatisticsStore, Stored
from sanjin_aggregator.domain.contributions import contribution_of
from sanjin_aggregator.domain.projection import Versioned, plan_batch, settle_venues
from sanjin_aggregator.service.register import RegisterProjector, WindowProjector
from sanjin_shared.clock import beijing_date
from sanjin_shared.consumer import ConsumedEvent, Projection


class Projections:
    """Several projections applied to one batch inside the same transaction."""

    def __init__(self, *projections: Projection) -> None:
        self._projections = projections

    async def apply(self, events: Sequence[ConsumedEvent], session: AsyncClientSession) -> None:
        for projection in self._projections:
            await projection.apply(events, session)


def projections(store: StatisticsStore) -> Projections:
    """Every projection of the aggregator's read models, on the stores of one generation."""
    return Projections(
        StatisticsProjector(store),
        RegisterProjector(store.register),
        WindowProjector(store.windows),
    )


class StatisticsProjector:
    def __init__(self, store: StatisticsStore) -> None:
        self._store = store

    async def apply(self, events: Sequence[ConsumedEvent], session: AsyncClientSession) -> None:
        latest: list[tuple[str, Versioned]] = []
        as_of: dict[str, datetime] = {}
        for e in events:
            contribution = contribution_of(e.event)
            key = f"{e.envelope.aggregate_type}:{e.envelope.aggregate_id}"
            day = beijing_date(e.envelope.time).isoformat()
            latest.append((key, Versioned(e.envelope.aggregate_version, contribution, day)))
            if contribution is not None:
                t = e.envelope.time
                if contribution.campaign not in as_of or t > as_of[contribution.campaign]:
                    as_of[contribution.campaign] = t
        stored = await self._store.stored_contributions([k for k, _ in latest], session)
        plan = plan_batch(latest, stored)
        stored_days = await self._store.venue_days(plan.touched_venues(), session)
        await self._store.write(
            plan,
            settle_venues(plan, stored_days),
            as_of,
            session,
            stored=Stored(frozenset(stored), frozenset(stored_days)),
        )
