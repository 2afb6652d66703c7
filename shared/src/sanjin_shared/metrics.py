"""Prometheus metrics of the platform, served at `/metrics` by every service."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "sanjin_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "sanjin_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_PENDING = Gauge("sanjin_outbox_pending", "Events written but not yet published", ["service"])
OUTBOX_PUBLISHED = Counter("sanjin_outbox_published_total", "Events published", ["service"])
EVENTS_APPLIED = Counter(
    "sanjin_consumer_events_applied_total", "Events applied to read models", ["service", "topic"]
)
EVENTS_DUPLICATE = Counter(
    "sanjin_consumer_events_duplicate_total",
    "Events received again and ignored",
    ["service", "topic"],
)
DEAD_LETTERS = Counter(
    "sanjin_consumer_dead_letters_total",
    "Messages sent to a dead-letter topic",
    ["service", "topic"],
)
CONSUMER_LAG = Gauge(
    "sanjin_consumer_lag",
    "Messages behind the end of the partition",
    ["service", "topic", "partition"],
)
JWKS_FETCHES = Counter(
    "sanjin_jwks_fetches_total",
    "Fetches of the identity provider's signing keys (JWKS), by outcome (ok, failed)",
    ["service", "outcome"],
)
KAFKA_REACHABLE = Gauge(
    "sanjin_kafka_reachable",
    "1 when the broker answered a metadata request at the last scrape, else 0",
    ["service"],
)
