"""The one place that turns the Kafka client settings into aiokafka's keyword arguments.

Every client of the platform is built with `client_kwargs`: the outbox relay's producer, the
consumer and its dead-letter producer, the readiness probe and topic provisioning. The security
settings (`KafkaClientSettings`: protocol, SASL mechanism and credentials, CA file) come from the
process's `SANJIN_KAFKA_*` environment unless a caller passes its own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aiokafka.helpers import create_ssl_context

from sanjin_shared.settings import KafkaClientSettings


@cache
def _from_environment() -> KafkaClientSettings:
    return KafkaClientSettings()


def client_kwargs(
    bootstrap: str | None = None, *, settings: KafkaClientSettings | None = None
) -> dict[str, Any]:
    """`bootstrap_servers` and the security arguments for any aiokafka client.

    `bootstrap` overrides the settings' address (tests and tools name their broker); the
    security always comes from `settings`, by default the environment's."""
    s = settings or _from_environment()
    kwargs: dict[str, Any] = {
        "bootstrap_servers": bootstrap or s.kafka_bootstrap,
        "security_protocol": s.kafka_security_protocol,
    }
    if s.kafka_uses_tls:
        # hostname checked against the broker's certificate; the CA is the cluster's own
        cafile = str(s.kafka_ca_file) if s.kafka_ca_file else None
        kwargs["ssl_context"] = create_ssl_context(cafile=cafile)
    if s.kafka_uses_sasl:
        assert s.kafka_sasl_username and s.kafka_sasl_password
        kwargs["sasl_mechanism"] = s.kafka_sasl_mechanism
        kwargs["sasl_plain_username"] = s.kafka_sasl_username
        kwargs["sasl_plain_password"] = s.kafka_sasl_password.get_secret_value()
    return kwargs
