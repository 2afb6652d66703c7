"""Authentication and authorisation of docs/api.md.

`Authorization: Bearer <JWT>` with claims `sub`, `role` (province | hq | viewer | admin),
`province` (required for role province), `aud` = sanjin, `exp`, `iss`. Tokens come from an OpenID
Connect provider (Keycloak locally), verified with the keys of its JWKS (RS256, ES256); HS256 with
a shared secret only in the `test` environment. No token or a bad one → 401; a valid token
without the right → 403; a token past its rate limit → 429. Routers declare what they need with
the typed dependencies at the bottom.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import time
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError, model_validator

from sanjin_shared.logging import get_logger
from sanjin_shared.metrics import JWKS_FETCHES
from sanjin_shared.problems import Forbidden, TooManyRequests, Unauthorized, Unprocessable
from sanjin_shared.ratelimit import RateLimiter
from sanjin_shared.reference import PROVINCES, LabelledEnum, ProvinceCode
from sanjin_shared.settings import ServiceSettings

log = get_logger(__name__)


class Role(LabelledEnum):
    """The roles of CONTRACT.md; the identity provider puts one in each token's role claim."""

    province = ("province", "省级市场监管部门")
    hq = ("hq", "总局")
    viewer = ("viewer", "促进会（只读）")
    admin = ("admin", "系统管理员")


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
        """The province a new record belongs to (docs/api.md, province scope).

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


class SigningKeys:
    """The issuer's signing keys from its JWKS, cached, fetched with async httpx.

    - The first token, and a token signed by a key not in the cache (an unknown `kid`, as after a
      rotation), fetch the JWKS again, but at most once per `jwks_min_refresh_interval_s`: a
      stream of tokens with made-up key ids costs one fetch per interval, not one per request.
    - Keys older than `jwks_max_age_s` are refreshed in the background while they keep working,
      so a key the issuer withdrew stops being accepted without a restart.
    - A fetch is bounded by `jwks_timeout_s`; when it fails (the endpoint is down or answers
      garbage) the cached keys stay and keep verifying; the unknown key is simply unknown.
    - Only signing keys (`use` absent or `sig`) of an accepted algorithm are kept.
    """

    def __init__(self, settings: ServiceSettings) -> None:
        self._issuer = settings.jwt_issuer
        self._jwks_url = settings.jwt_jwks_url
        self._algorithms = settings.jwt_algorithm_list
        self._timeout_s = settings.jwks_timeout_s
        self._min_interval_s = settings.jwks_min_refresh_interval_s
        self._max_age_s = settings.jwks_max_age_s
        self._service = settings.service_name
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # monotonic time of the last good fetch
        self._attempted_at = -math.inf
        self._lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    async def get(self, kid: str | None, algorithm: str) -> jwt.PyJWK | None:
        """The key that signed a token with this `kid` and `alg`, or None if there is none."""
        key = self._lookup(kid, algorithm)
        if key is None:
            await self.refresh()
            return self._lookup(kid, algorithm)
        stale = (
            self._fetched_at is not None and time.monotonic() - self._fetched_at > self._max_age_s
        )
        if stale and (self._background is None or self._background.done()):
            self._background = asyncio.create_task(self.refresh(), name="jwks-refresh")
        return key

    def _lookup(self, kid: str | None, algorithm: str) -> jwt.PyJWK | None:
        if kid is None:  # a provider with a single key may leave kid out
            matching = [k for k in self._keys.values() if k.algorithm_name == algorithm]
            return matching[0] if len(matching) == 1 else None
        key = self._keys.get(kid)
        return key if key is not None and key.algorithm_name == algorithm else None

    async def refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._attempted_at < self._min_interval_s:
                return  # fetched a moment ago (maybe while this request waited for the lock)
            self._attempted_at = time.monotonic()
            try:
                keys = await self._fetch()
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                JWKS_FETCHES.labels(self._service, "failed").inc()
                log.warning(
                    "jwks fetch failed; the cached keys stay",
                    error=f"{type(exc).__name__}: {exc}",
                    cached_keys=len(self._keys),
                )
                return
            JWKS_FETCHES.labels(self._service, "ok").inc()
            if set(keys) != set(self._keys):
                log.info("jwks keys changed", kids=sorted(str(k) for k in keys))
            self._keys, self._fetched_at = keys, time.monotonic()

    async def _fetch(self) -> dict[str | None, jwt.PyJWK]:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout_s, follow_redirects=False)
        url = self._jwks_url or await self._discover(self._client)
        answer = await self._client.get(url)
        answer.raise_for_status()
        keys: dict[str | None, jwt.PyJWK] = {}
        for jwk in answer.json()["keys"]:
            if jwk.get("use", "sig") != "sig" or jwk.get("kty") not in ("RSA", "EC"):
                continue
            try:
                key = jwt.PyJWK(jwk)
            except jwt.PyJWTError:
                continue  # a key of an algorithm this platform does not accept
            if key.algorithm_name in self._algorithms:
                keys[jwk.get("kid")] = key
        return keys

    async def _discover(self, client: httpx.AsyncClient) -> str:
        """The JWKS URL of the issuer's OpenID Connect discovery document (checked to be its)."""
        assert self._issuer is not None
        answer = await client.get(self._issuer.rstrip("/") + "/.well-known/openid-configuration")
        answer.raise_for_status()
        document = answer.json()
        if document.get("issuer") != self._issuer:
            raise ValueError(f"the discovery document names issuer {document.get('issuer')!r}")
        self._jwks_url = str(document["jwks_uri"])
        return self._jwks_url

    async def close(self) -> None:
        if self._background is not None:
            self._background.cancel()
        if self._client is not None:
            await self._client.aclose()


class TokenVerifier:
    """Verifies bearer tokens: signed by the issuer's keys (its JWKS), or HS256 in `test` only.

    Checked: the signature with an accepted asymmetric algorithm (never `none`, never HS256 once
    an issuer is configured, so a public key cannot serve as an HMAC secret), the issuer, the
    audience, the expiry, `nbf` and `iat` with `jwt_leeway_s` of clock skew. The role and the
    province are read from the claims the settings name (dotted paths reach into objects).
    """

    def __init__(self, settings: ServiceSettings) -> None:
        settings.check_token_settings()
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._leeway = settings.jwt_leeway_s
        self._role_claim = settings.jwt_role_claim
        self._province_claim = settings.jwt_province_claim
        self._secret = settings.effective_jwt_secret()
        self.keys = SigningKeys(settings) if settings.jwt_issuer else None
        self._algorithms = settings.jwt_algorithm_list if self.keys else ("HS256",)

    async def verify(self, token: str) -> Principal:
        header = _header(token)
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in self._algorithms:
            raise Unauthorized(f"tokens signed with {algorithm!r} are not accepted")
        if kid is not None and not isinstance(kid, str):
            raise Unauthorized("the token is not valid")
        if self.keys is not None:
            found = await self.keys.get(kid, algorithm)
            if found is None:
                raise Unauthorized("the token is signed by a key the issuer does not publish")
            key: Any = found.key
        else:
            key = self._secret
        return self.principal(self._decode(token, key, algorithm))

    def _decode(self, token: str, key: Any, algorithm: str) -> dict[str, Any]:
        required = ["exp", "sub", "aud", *(["iss"] if self._issuer else [])]
        try:
            return dict(
                jwt.decode(
                    token,
                    key,
                    algorithms=[algorithm],
                    audience=self._audience,
                    issuer=self._issuer,
                    leeway=self._leeway,
                    options={"require": required},
                )
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized("the token is not meant for this platform (aud)") from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized("the token comes from another issuer") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized("the token is not valid") from exc

    def principal(self, claims: dict[str, Any]) -> Principal:
        role = _claim(claims, self._role_claim)
        if isinstance(role, list):  # e.g. realm_access.roles: exactly one of the platform's
            ours = [r for r in role if r in Role.__members__]
            role = ours[0] if len(ours) == 1 else None
        province = _claim(claims, self._province_claim)
        if isinstance(province, list) and len(province) == 1:
            province = province[0]
        try:
            return Principal.model_validate(
                {"sub": claims.get("sub"), "role": role, "province": province}
            )
        except ValidationError as exc:
            raise Unauthorized("the token's claims are not valid") from exc

    async def close(self) -> None:
        if self.keys is not None:
            await self.keys.close()


def _header(token: str) -> dict[str, Any]:
    """The token's header, read only to pick the key; `jwt.decode` then checks all of it.

    (PyJWT's own `get_unverified_header` validates the whole token's encoding character by
    character, which doubled the cost of every verification: `make bench`.)
    """
    try:
        segment = token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise Unauthorized("the token is not valid") from exc
    if not isinstance(header, dict):
        raise Unauthorized("the token is not valid")
    return header


def _claim(claims: dict[str, Any], path: str) -> Any:
    """The claim at a dotted path (`realm_access.roles`); a claim named with a dot wins."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


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


# The OpenAPI security scheme of every operation that depends on `verified_principal` (FastAPI
# declares it from this dependency), so Swagger UI's Authorize and generated clients send the token.
# Missing or malformed credentials are answered by `verified_principal` as a problem, not by it.
BEARER = HTTPBearer(
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A JWT from the identity provider: `Authorization: Bearer <token>`.",
    auto_error=False,
)


async def verified_principal(
    request: Request,
    verifier: Annotated[TokenVerifier, Depends(_verifier)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> Principal:
    """The verified caller of any role, counted against its rate limit (429 past it)."""
    token = credentials.credentials.strip() if credentials else ""
    if not token:
        raise Unauthorized()
    principal = await verifier.verify(token)
    limiter: RateLimiter = request.state.platform.limiter
    if limiter.enabled:
        decision = await limiter.hit(principal.rate_key)
        if not decision.allowed:
            raise TooManyRequests(decision.limit, limiter.window_s, decision.retry_after_s)
    return principal


VIEWER_SCOPE = "the viewer role reads national statistics and exports only"


async def current_principal(
    principal: Annotated[Principal, Depends(verified_principal)],
) -> Principal:
    """The verified caller, any role but viewer: an operation lets the viewer in by saying so
    (`AnyPrincipal`, or `require_roles` naming it), never by default."""
    if principal.role is Role.viewer:
        raise Forbidden(VIEWER_SCOPE)
    return principal


def require_roles(*roles: Role) -> Any:
    """A dependency that lets only the given roles through (403 for the others)."""

    async def check(principal: Annotated[Principal, Depends(verified_principal)]) -> Principal:
        if principal.role not in roles:
            allowed = ", ".join(sorted(r.value for r in roles))
            raise Forbidden(f"this operation needs the role {allowed}")
        return principal

    return Depends(check)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]  # not viewer
AnyPrincipal = Annotated[Principal, Depends(verified_principal)]  # viewer too: national reads
HQReader = Annotated[Principal, require_roles(Role.hq, Role.admin)]
StatisticsReader = Annotated[Principal, require_roles(Role.hq, Role.viewer, Role.admin)]
Admin = Annotated[Principal, require_roles(Role.admin)]
ProvinceOnly = Annotated[Principal, require_roles(Role.province)]
