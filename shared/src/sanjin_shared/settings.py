"""Settings every service shares, read from `SANJIN_*` environment variables.

They fail fast: a service that could not verify tokens as its environment requires stops at
start-up (`check_token_settings`). Tokens come from an OpenID Connect provider (its JWKS) in development (the local
Keycloak of `make up`) and production; the HS256 shared secret exists for the `test` environment
only, so a secret everybody knows can never sign a deployed platform's tokens.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "sanjin-development-secret-not-for-production"  # noqa: S105
MIN_SECRET_LENGTH = 32
# the lifespan's bounded closing steps after the outbox's flush (app.py), in seconds
SHUTDOWN_STEPS_S = {
    "relay producer": 3.0,
    "tasks": 3.0,
    "kafka probe": 2.0,
    "token verifier": 1.0,
    "mongodb client": 2.0,
}
SHUTDOWN_CLOSE_S = sum(SHUTDOWN_STEPS_S.values())


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class KafkaClientSettings(BaseSettings):
    """How every Kafka client of the platform connects: the outbox relay, the consumer and its
    dead-letter producer, the readiness probe, topic provisioning. Built into aiokafka's keyword
    arguments in one place, `sanjin_shared.kafka.client_kwargs`.

    PLAINTEXT on the local stack and compose; in Kubernetes prod SASL_SSL with SCRAM-SHA-512
    (Strimzi `KafkaUser` per service) and the cluster CA's certificate as `kafka_ca_file`."""

    model_config = SettingsConfigDict(env_prefix="SANJIN_", extra="ignore", frozen=True)

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ca_file: Path | None = None  # PEM; the system's trust store when unset

    @property
    def kafka_uses_sasl(self) -> bool:
        return self.kafka_security_protocol.startswith("SASL_")

    @property
    def kafka_uses_tls(self) -> bool:
        return self.kafka_security_protocol.endswith("SSL")

    @model_validator(mode="after")
    def _kafka_credentials_are_complete(self) -> Self:
        if self.kafka_uses_sasl and not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(
                f"SANJIN_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                "SANJIN_KAFKA_SASL_USERNAME and SANJIN_KAFKA_SASL_PASSWORD"
            )
        if self.kafka_ca_file is not None and not self.kafka_ca_file.is_file():
            raise ValueError(f"SANJIN_KAFKA_CA_FILE {self.kafka_ca_file} is not a file")
        return self


class ServiceSettings(KafkaClientSettings):
    """Settings of one service process. Each service subclasses it to name itself."""

    service_name: str = "sanjin"
    # Production unless said otherwise: a forgotten variable must not weaken a deployment.
    environment: Environment = Environment.production
    log_level: str = "INFO"

    mongodb_uri: str = "mongodb://127.0.0.1:27017/"
    mongodb_database: str = ""  # default: "sanjin_<service_name>"
    # per process: with the HPA's 12 pods of 4 intake services, 48 x 20 = 960 connections at most,
    # within a replica set's default limits; a request holds one connection for a transaction
    mongodb_max_pool_size: int = Field(default=20, ge=1, le=500)
    topic_prefix: str = ""  # lets test runs and tenants share one broker without clashing

    # tokens: from the OpenID Connect provider `jwt_issuer` (keys from its JWKS, found through its
    # discovery document unless `jwt_jwks_url` names it); HS256 with `jwt_secret` in `test` only
    jwt_issuer: str | None = None
    jwt_jwks_url: str | None = None
    jwt_audience: str = "sanjin"
    jwt_algorithms: str = "RS256,ES256"  # asymmetric only; comma-separated
    jwt_role_claim: str = "role"  # a dotted path reaches into objects: realm_access.roles
    jwt_province_claim: str = "province"
    jwt_leeway_s: float = Field(default=30, ge=0, le=300)  # clock skew allowed on exp, nbf, iat
    jwks_timeout_s: float = Field(default=3, gt=0, le=30)
    jwks_min_refresh_interval_s: float = Field(default=10, ge=0, le=3600)  # unknown kid: 1 fetch
    jwks_max_age_s: float = Field(default=3600, gt=0)  # then refreshed in the background
    jwt_secret: SecretStr | None = None  # HS256, test environment only
    # the public client a browser signs in with at the issuer (Swagger UI's Authorize uses it)
    oidc_client_id: str = "sanjin-web"

    outbox_poll_interval_s: float = Field(default=0.5, gt=0)
    # how long a create naming a campaign not known yet waits for the campaigns topic's end
    campaign_catch_up_s: float = Field(default=5.0, gt=0)
    outbox_batch_size: int = Field(default=5000, ge=1, le=50_000)  # events per read of the outbox
    outbox_lease_s: float = Field(default=10.0, gt=0)
    # how long start-up waits for MongoDB (index creation retried) before the process fails; an
    # attempt itself can take MongoDB's 5 s server selection on top
    startup_timeout_s: float = Field(default=120.0, gt=0)
    # uvicorn's grace for requests in flight, then again the bound of the outbox's flush (see
    # `shutdown_budget_s`); terminationGracePeriodSeconds / stop_grace_period must cover the budget
    shutdown_grace_s: float = Field(default=10.0, ge=0)

    # hostile or mistaken input (see limits.py and ratelimit.py)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_batch_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_json_depth: int = Field(default=32, ge=4)
    # uploads (`:import` workbooks, `/files`): refused with 413 on their declared or streamed size
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    max_import_rows: int = Field(default=10_000, ge=1, description="Rows per imported workbook")
    rate_limit_per_window: int = Field(
        default=1200, ge=0, description="Requests per token and window; 0 turns the limit off"
    )
    rate_limit_window_s: int = Field(default=60, ge=1)

    @property
    def shutdown_budget_s(self) -> float:
        """The longest a stopping process takes after SIGTERM: uvicorn waits `shutdown_grace_s`
        for requests in flight, then the lifespan flushes the outbox within `shutdown_grace_s`
        and closes its clients within `SHUTDOWN_CLOSE_S` (app.py's bounded steps)."""
        return 2 * self.shutdown_grace_s + SHUTDOWN_CLOSE_S

    @property
    def database_name(self) -> str:
        return self.mongodb_database or f"sanjin_{self.service_name}"

    @property
    def is_development(self) -> bool:
        return self.environment in (Environment.development, Environment.test)

    @property
    def jwt_algorithm_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.jwt_algorithms.split(",") if a.strip())

    def effective_jwt_secret(self) -> str | None:
        """The HS256 secret: in the test environment without an issuer, and nowhere else."""
        if self.environment is not Environment.test or self.jwt_issuer:
            return None
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return DEVELOPMENT_JWT_SECRET

    def check_token_settings(self) -> None:
        """Refuse, with a clear message, what would let a service verify tokens wrongly.

        Called when a service builds its token verifier, so that a process that serves requests
        stops at start-up, while commands that verify no token (`sanjin replay`) need none of it.
        """
        if self.environment is Environment.test:
            return
        if self.jwt_secret is not None:
            raise ValueError(
                "SANJIN_JWT_SECRET (HS256) is accepted in the test environment only; set "
                "SANJIN_JWT_ISSUER to the identity provider"
            )
        if not self.jwt_issuer:
            where = (
                "the local Keycloak that `make up` starts"
                if self.environment is Environment.development
                else "the organisation's OpenID Connect provider"
            )
            raise ValueError(f"SANJIN_JWT_ISSUER must be set: tokens come from {where}")

    @model_validator(mode="after")
    def _token_settings_are_well_formed(self) -> Self:
        if self.jwt_issuer is not None and not self.jwt_issuer.startswith(("https://", "http://")):
            raise ValueError(f"SANJIN_JWT_ISSUER must be an http(s) URL, not {self.jwt_issuer!r}")
        unsupported = set(self.jwt_algorithm_list) - {"RS256", "ES256"}
        if unsupported or not self.jwt_algorithm_list:
            raise ValueError(
                f"SANJIN_JWT_ALGORITHMS takes RS256 and/or ES256, not {self.jwt_algorithms!r}"
            )
        return self
