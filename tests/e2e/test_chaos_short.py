"""The short form of `make chaos`, on servers of its own: writes through the API while Kafka is
SIGKILLed twice, the events service and the aggregator once each and MongoDB is restarted, then
duplicates and poison messages; nothing acknowledged is lost or counted twice, every poison
message is dead-lettered and a replay gives the same view."""

from __future__ import annotations

from chaos.run import run


def test_short_chaos_loses_nothing_and_counts_nothing_twice() -> None:
    report = run(
        records=400,
        concurrency=8,
        plan={"kafka": 2, "service": 2, "aggregator": 1, "mongodb": 1},
        poison=4,
    )
    print("\n[chaos] " + "\n[chaos] ".join(report.lines()))
    assert report.acknowledged == 400 and report.lost == 0 and report.double_counted == 0
    assert sum(report.faults.values()) == 6, report.faults
    assert report.dead_letters >= 4 and report.replay_identical
