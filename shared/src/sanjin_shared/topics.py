"""The Kafka topics of the platform, provisioned by `sanjin topics` (never auto-created).

Domain topics keep their events forever: they are the log the aggregator replays from. Each
consumed topic has a dead-letter topic `<topic>.dlq` for messages that cannot be applied.
"""

from __future__ import annotations

from dataclasses import dataclass

DLQ_SUFFIX = ".dlq"
KEEP_FOREVER = -1
DLQ_RETENTION_MS = 90 * 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int = 6
    retention_ms: int = KEEP_FOREVER

    def configs(self) -> dict[str, str]:
        return {
            "retention.ms": str(self.retention_ms),
            "cleanup.policy": "delete",
            "min.insync.replicas": "1",
        }


# Logical name -> topic. One topic per producing service; the key is the aggregate id, so all
# events of one aggregate land in one partition, in order.
ACTIVITIES = TopicSpec("sanjin.activities")
MONITORING = TopicSpec("sanjin.monitoring")
INSPECTION = TopicSpec("sanjin.inspection")
SURVEYS = TopicSpec("sanjin.surveys")
SUBMISSIONS = TopicSpec("sanjin.submissions", partitions=3)
# the campaigns the aggregator defines; every intake service reads it whole (a few events a year)
CAMPAIGNS = TopicSpec("sanjin.campaigns", partitions=1)

DOMAIN_TOPICS: tuple[TopicSpec, ...] = (
    ACTIVITIES,
    MONITORING,
    INSPECTION,
    SURVEYS,
    SUBMISSIONS,
    CAMPAIGNS,
)


def dead_letter(spec: TopicSpec) -> TopicSpec:
    return TopicSpec(spec.name + DLQ_SUFFIX, partitions=1, retention_ms=DLQ_RETENTION_MS)


def all_topics() -> tuple[TopicSpec, ...]:
    return DOMAIN_TOPICS + tuple(dead_letter(t) for t in DOMAIN_TOPICS)


def physical(name: str, prefix: str) -> str:
    """The topic's name on the broker: test runs and tenants may prefix it."""
    return f"{prefix}{name}"
