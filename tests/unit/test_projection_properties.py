"""Property: however events are delivered (in order per activity, interleaved, repeated, in any
batches, then replayed from the beginning), the statistics equal those computed directly from
the final state of every activity."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from sanjin_aggregator.domain.contributions import contribution_of
from sanjin_aggregator.domain.metrics import Counters, add_into
from sanjin_aggregator.domain.projection import Versioned, plan_batch, settle_venues
from sanjin_events.domain.activity import Activity
from sanjin_shared.events.activities import ActivityScheduled
from sanjin_shared.reference import ActivityKind
from tests.support.histories import histories, plan


@dataclass
class Memory:
    """The read model kept in dictionaries, updated exactly as the projector does."""

    stored: dict[str, Versioned] = field(default_factory=dict)
    cells: dict[tuple[str, str, str], Counters] = field(default_factory=dict)
    venues: dict[tuple[str, str, str, str], dict[str, int]] = field(default_factory=dict)

    def apply(self, batch: list[tuple[str, int, object]]) -> None:
        latest = [
            (key, Versioned(version, contribution_of(event))) for key, version, event in batch
        ]  # type: ignore[arg-type]
        plan = plan_batch(latest, self.stored)
        counts = settle_venues(plan, self.venues)
        self.stored.update(plan.contributions)
        for cell, delta in plan.cells.items():
            add_into(self.cells.setdefault(cell, {}), delta)
        self.venues.update(counts)

    def totals(self) -> dict[str, float]:
        out: Counters = {}
        for counters in self.cells.values():
            add_into(out, counters)
        return {k: v for k, v in out.items() if v}


def run(plans: list) -> tuple[list[list[tuple[str, int, object]]], list[Activity]]:
    """Each activity's events as (aggregate key, version, event), in order, and its final state."""
    streams, finals = [], []
    for states in histories(plans):
        streams.append([(f"activity:{a.id}", a.version, a.events[0]) for a in states])
        finals.append(states[-1])
    return streams, finals


def expected(finals: list[Activity]) -> dict[str, float]:
    memory = Memory()
    memory.apply(
        [(f"activity:{a.id}", a.version, ActivityScheduled(activity=a.state())) for a in finals]
    )
    return memory.totals()


def direct(finals: list[Activity]) -> dict[str, float]:
    """Computed from the records themselves, without the projection code."""
    done = [a for a in finals if a.status.value == "completed" and a.report]
    out: dict[str, float] = {
        "education_activities": sum(a.kind is ActivityKind.education for a in done),
        "seminars": sum(a.kind is ActivityKind.seminar for a in done),
        "launch_ceremonies": sum(a.kind is ActivityKind.launch_ceremony for a in done),
        "participants": sum(a.report.participants for a in done if a.report),
        "materials_distributed": sum(a.report.materials_distributed for a in done if a.report),
        "consultations": sum(a.report.consultations for a in done if a.report),
        "comparison_items_displayed": sum(
            a.report.comparison_items_displayed for a in done if a.report
        ),
        "media_reports": sum(a.report.media_reports for a in done if a.report),
        "seminar_recommendations": sum(len(a.report.recommendations) for a in done if a.report),
        "venues_covered": len(
            {(a.province, a.venue_type.value, "".join(a.venue_name.split())) for a in done}
        ),
    }
    return {k: v for k, v in out.items() if v}


@settings(max_examples=200, deadline=None)
@given(plans=st.lists(plan, min_size=1, max_size=6), data=st.data())
def test_any_delivery_gives_the_statistics_of_the_final_records(
    plans: list, data: st.DataObject
) -> None:
    streams, finals = run(plans)

    # interleave the streams, keeping each activity's order; repeat some events at once and
    # some later, after newer ones
    pending = [list(s) for s in streams]
    delivery: list[tuple[str, int, object]] = []
    while any(pending):
        i = data.draw(st.sampled_from([k for k, s in enumerate(pending) if s]))
        event = pending[i].pop(0)
        delivery.append(event)
        if data.draw(st.booleans()):
            delivery.append(event)  # delivered twice
        if data.draw(st.integers(0, 3)) == 0:
            # an older event again, late (a relay republishing after a crash)
            delivery.append(data.draw(st.sampled_from(delivery)))
    # cut into batches of any size, then replay everything from the beginning
    memory = Memory()
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(delivery) - 1)), max_size=5)))
    for start, end in zip([0, *cuts], [*cuts, len(delivery)], strict=True):
        memory.apply(delivery[start:end])
    assert memory.totals() == direct(finals)

    memory.apply([e for s in streams for e in s])  # a replay from the beginning changes nothing
    assert memory.totals() == direct(finals)
    assert memory.totals() == expected(finals)
    assert all(sum(days.values()) >= 0 for days in memory.venues.values())
