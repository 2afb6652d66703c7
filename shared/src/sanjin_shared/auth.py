"""Authentication and authorisation of CONTRACT.md.

`Authorization: Bearer <JWT>` with claims `sub`, `role` (province | hq | admin), `province`
(required for role province), `aud` = sanjin, `exp`. HS256 with SANJIN_JWT_SECRET on the local
stack; RS256 through a JWKS URL in production. No token or a bad one → 401; a valid token without
the right → 403; a token past its rate limit → 429. Routers declare what they need with the typed
dependencies at the bottom.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError, model_validator

from sanjin_shared.problems import Forbidden, TooManyRequests, Unauthorized, Unprocessable
from sanjin_shared.ratelimit import RateLimiter
from sanjin_shared.reference import PROVINCES, ProvinceCode
from sanjin_shared.settings import ServiceSettings


class Role(StrEnum):
    province = "province"
    hq = "hq"
    admin = "admin"


class Principal(BaseModel):
    """Who is calling: the verified claims of the token."""

    sub: str
    role: Role
    province: ProvinceCode | None = None

    @model_validator(mode="after")
    def _province_role_needs_province(self) -> Principal:
        if self.role is Role.province and self.province is None:
            raise ValueError("a province token must carry a province claim")
        return self

    @property
    def rate_key(self) -> str:
        """Whose requests a rate limit counts together."""
        return f"{self.role.value}:{self.province or '-'}:{self.sub}"

    def can_read(self, province: str) -> bool:
        return self.role is not Role.province or self.province == province

    def write_province(self, requested: str | None) -> str:
        """The province a new record belongs to (CONTRACT.md, province scope).

        A province token writes only its own province: naming another one is a 403. `hq` and
        `admin` write for any province and must name it.
        """
        if self.role is Role.province:
            if requested is not None and requested != self.province:
                raise Forbidden(
                    f"a token of province {self.province} cannot write records of {requested}"
                )
            assert self.province is not None
            return self.province
        if requested is None:
            raise Unprocessable(
                "hq and admin must name the province of the record", field="province"
            )
        if requested not in PROVINCES:
            raise Unprocessable(f"unknown province {requested!r}", field="province")
        return requested


class TokenVerifier:
    """Verifies bearer tokens: HS256 with a shared secret, or RS256 with keys from a JWKS URL."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._secret = settings.effective_jwt_secret()
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

    def verify(self, token: str) -> Principal:
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256"]
            else:
                key, algorithms = self._secret, ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized("the token is not meant for this platform (aud)") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized("the token is not valid") from exc
        try:
            return Principal.model_validate({k: claims.get(k) for k in ("sub", "role", "province")})
        except ValidationError as exc:
            raise Unauthorized("the token's claims are not valid") from exc


def mint_token(
    secret: str,
    *,
    sub: str,
    role: Role | str,
    province: str | None = None,
    audience: str = "sanjin",
    ttl_s: int = 8 * 3600,
    now: float | None = None,
) -> str:
    """An HS256 token for the local stack (the `sanjin token` command and the tests)."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "role": str(role),
        "aud": audience,
        "iat": issued,
        "exp": issued + ttl_s,
    }
    if province is not None:
        claims["province"] = province
    return jwt.encode(claims, secret, algorithm="HS256")


async def _verifier(request: Request) -> TokenVerifier:
    return request.state.platform.verifier


# The OpenAPI security scheme of every operation that depends on `current_principal` (FastAPI
# declares it from this dependency), so Swagger UI's Authorize and generated clients send the token.
# Missing or malformed credentials are answered by `current_principal` as a problem, not by it.
BEARER = HTTPBearer(
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A JWT from the identity provider: `Authorization: Bearer <token>`.",
    auto_error=False,
)


async def current_principal(
    request: Request,
    verifier: Annotated[TokenVerifier, Depends(_verifier)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> Principal:
    """The verified caller, counted against its rate limit (429 past it)."""
    token = credentials.credentials.strip() if credentials else ""
    if not token:
        raise Unauthorized()
    principal = verifier.verify(token)
    limiter: RateLimiter = request.state.platform.limiter
    if limiter.enabled:
        decision = await limiter.hit(principal.rate_key)
        if not decision.allowed:
            raise TooManyRequests(decision.limit, limiter.window_s, decision.retry_after_s)
    return principal


def require_roles(*roles: Role) -> Any:
    """A dependency that lets only the given roles through (403 for the others)."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            allowed = ", ".join(sorted(r.value for r in roles))
            raise Forbidden(f"this operation needs the role {allowed}")
        return principal

    return Depends(check)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
HQReader = Annotated[Principal, require_roles(Role.hq, Role.admin)]
Admin = Annotated[Principal, require_roles(Role.admin)]
ProvinceOnly = Annotated[Principal, require_roles(Role.province)]
