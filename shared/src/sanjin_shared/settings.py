"""Settings every service shares, read from `SANJIN_*` environment variables.

They fail fast: a service that could not verify tokens as its environment requires stops at
start-up (`check_token_settings`). Tokens come from an OpenID Connect provider (its JWKS) in development (the local
Keycloak of `make up`) and production; the HS256 shared secret exists for the `test` environment
only, so a secret everybody knows can never sign a deployed platform's tokens.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "sanjin-development-secret-not-for-production"  # noqa: S105


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
