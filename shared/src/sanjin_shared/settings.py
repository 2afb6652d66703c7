"""Settings every service shares, read from `SANJIN_*` environment variables.

They fail fast: outside development and test, a missing or well-known JWT secret stops the
process at start-up instead of running with a secret everybody knows.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "sanjin-development-secret-not-for-production"  # noqa: S105
MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class ServiceSettings(BaseSettings):
    """Settings of one service process. Each service subclasses it to name itself."""

    model_config = SettingsConfigDict(env_prefix="SANJIN_", extra="ignore", frozen=True)

    service_name: str = "sanjin"
    # Production unless said otherwise: a forgotten variable must not weaken a deployment.
    environment: Environment = Environment.production
    log_level: str = "INFO"

    mongodb_uri: str = "mongodb://127.0.0.1:27017/"
    mongodb_database: str = ""  # default: "sanjin_<service_name>"
    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = ""  # lets test runs and tenants share one broker without clashing

    jwt_secret: SecretStr | None = None  # HS256 (local stack)
    jwt_jwks_url: str | None = None  # RS256 through the identity provider's JWKS (production)
    jwt_audience: str = "sanjin"
    jwt_issuer: str | None = None

    outbox_poll_interval_s: float = Field(default=0.5, gt=0)
    # how long a create naming a campaign not known yet waits for the campaigns topic's end
    campaign_catch_up_s: float = Field(default=5.0, gt=0)
    outbox_batch_size: int = Field(default=5000, ge=1, le=50_000)  # events per read of the outbox
    outbox_lease_s: float = Field(default=10.0, gt=0)
    shutdown_grace_s: float = Field(default=10.0, ge=0)

    # hostile or mistaken input (see limits.py and ratelimit.py)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_batch_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_json_depth: int = Field(default=32, ge=4)
    rate_limit_per_window: int = Field(
        default=1200, ge=0, description="Requests per token and window; 0 turns the limit off"
    )
    rate_limit_window_s: int = Field(default=60, ge=1)

    @property
    def database_name(self) -> str:
        return self.mongodb_database or f"sanjin_{self.service_name}"

    @property
    def is_development(self) -> bool:
        return self.environment in (Environment.development, Environment.test)

    def effective_jwt_secret(self) -> str | None:
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return DEVELOPMENT_JWT_SECRET if self.is_development else None

    @model_validator(mode="after")
    def _secrets_are_real_outside_development(self) -> Self:
        if self.is_development:
            return self
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else None
        if secret is None and not self.jwt_jwks_url:
            raise ValueError(
                "SANJIN_JWT_SECRET or SANJIN_JWT_JWKS_URL must be set outside development"
            )
        if secret is not None and (
            secret == DEVELOPMENT_JWT_SECRET or len(secret) < MIN_SECRET_LENGTH
        ):
            raise ValueError(
                f"SANJIN_JWT_SECRET must be a real secret of at least {MIN_SECRET_LENGTH} "
                "characters outside development"
            )
        return self
