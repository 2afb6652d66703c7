"""The Kafka client settings and the one place that turns them into aiokafka's arguments."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from sanjin_shared.kafka import client_kwargs
from sanjin_shared.settings import KafkaClientSettings


def test_plaintext_by_default() -> None:
    kwargs = client_kwargs(settings=KafkaClientSettings(kafka_bootstrap="k:9092"))
    assert kwargs == {"bootstrap_servers": "k:9092", "security_protocol": "PLAINTEXT"}
    assert client_kwargs("other:9092", settings=KafkaClientSettings())["bootstrap_servers"] == (
        "other:9092"
    )


def test_sasl_ssl_gives_scram_credentials_and_a_tls_context_with_the_ca(tmp_path: Path) -> None:
    key, ca = tmp_path / "ca.key", tmp_path / "ca.crt"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key)),
            *("-out", str(ca), "-days", "1", "-subj", "/CN=test"),
        ],
        check=True,
        capture_output=True,
    )
    settings = KafkaClientSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="events",
        kafka_sasl_password="s3cret-s3cret",
        kafka_ca_file=ca,
    )
    kwargs = client_kwargs(settings=settings)
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (kwargs["sasl_plain_username"], kwargs["sasl_plain_password"]) == (
        "events",
        "s3cret-s3cret",
    )
    context = kwargs["ssl_context"]
    assert isinstance(context, ssl.SSLContext) and context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert len(context.get_ca_certs()) == 1  # the given CA only
    assert "s3cret" not in repr(settings)  # the password is a secret


def test_sasl_without_credentials_or_with_a_missing_ca_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SANJIN_KAFKA_SASL_USERNAME"):
        KafkaClientSettings(kafka_security_protocol="SASL_SSL")
    with pytest.raises(ValidationError, match="SANJIN_KAFKA_CA_FILE"):
        KafkaClientSettings(kafka_security_protocol="SSL", kafka_ca_file=tmp_path / "none.crt")


def test_the_environment_configures_every_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANJIN_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("SANJIN_KAFKA_SASL_USERNAME", "aggregator")
    monkeypatch.setenv("SANJIN_KAFKA_SASL_PASSWORD", "pw-pw-pw")
    from sanjin_shared import kafka

    kafka._from_environment.cache_clear()
    try:
        kwargs = client_kwargs("b:9092")
        assert kwargs["security_protocol"] == "SASL_PLAINTEXT"
        assert kwargs["sasl_plain_username"] == "aggregator"
    finally:
        kafka._from_environment.cache_clear()
