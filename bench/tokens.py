"""The cost of verifying a bearer token, per request: RS256 and ES256 through the issuer's JWKS
beside HS256 with a shared secret (the test environment's path), measured side by side.

Each token goes through the services' own `TokenVerifier.verify`, as `verified_principal` calls
it for every request: header, key lookup, signature, issuer, audience, expiry, claims. The JWKS
comes over HTTP from an issuer this process serves (tests/support/issuer.py), found through its
discovery document and fetched once, then cached, as in a running service: what remains per
request is the cached key lookup and the signature and claims checks. Interleaved rounds; the
best round of each counts.
"""

from __future__ import annotations

import time
from typing import Any

from sanjin_shared.auth import TokenVerifier, mint_token
from sanjin_shared.settings import ServiceSettings
from tests.support.issuer import LocalIssuer

SECRET = "sanjin-bench-secret-0123456789abcdef0123456789"  # noqa: S105 - throw-away


async def verify_costs(rounds: int = 5, per_round: int = 3000) -> dict[str, dict[str, Any]]:
    issuer = LocalIssuer()
    issuer.add_key("bench-rs256", "RS256")
    issuer.add_key("bench-es256", "ES256")
    try:
        oidc = TokenVerifier(
            ServiceSettings(
                service_name="bench", environment="production", jwt_issuer=issuer.issuer
            )
        )
        shared = TokenVerifier(ServiceSettings(environment="test", jwt_secret=SECRET))
        claims = {"role": "province", "province": "110000"}
        tokens = {
            "HS256": (shared, mint_token(SECRET, sub="bench", role="province", province="110000")),
            "RS256": (oidc, issuer.token("bench-rs256", **claims)),
            "ES256": (oidc, issuer.token("bench-es256", **claims)),
        }
        for verifier, token in tokens.values():  # the first one fetches the JWKS
            await verifier.verify(token)
        best = {alg: float("inf") for alg in tokens}
        for _ in range(rounds):
            for alg, (verifier, token) in tokens.items():
                started = time.perf_counter()
                for _ in range(per_round):
                    await verifier.verify(token)
                best[alg] = min(best[alg], (time.perf_counter() - started) / per_round * 1e6)
        await oidc.close()
        assert issuer.fetches == 1, "the keys are fetched once, then cached"
    finally:
        issuer.stop()
    hs = round(best["HS256"], 1)
    results: dict[str, dict[str, Any]] = {
        "token_verify_hs256": {"value": hs, "unit": "µs/request", "baseline": None, "ratio": None}
    }
    for alg in ("RS256", "ES256"):
        value = round(best[alg], 1)
        results[f"token_verify_{alg.lower()}_jwks"] = {
            "value": value,
            "unit": "µs/request (baseline HS256)",
            "baseline": hs,
            "ratio": round(value / hs, 2),
        }
    return results
