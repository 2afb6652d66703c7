"""A small OpenID Connect issuer served by this process: its discovery document and its JWKS over
real HTTP, and tokens signed with its RS256 and ES256 keys. For the verifier's unit tests (where
the issuer must misbehave on cue: rotate, disappear, answer garbage) and for `make bench`; the
e2e tests use the real Keycloak (tests/support/identity.py).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa


class LocalIssuer:
    def __init__(self) -> None:
        self.private: dict[str, tuple[str, Any]] = {}  # kid -> (alg, private key)
        self.fetches = 0  # JWKS requests answered
        self.broken = False  # answer the JWKS with a 500
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/realms/local"

    def add_key(self, kid: str, alg: str = "RS256") -> None:
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if alg == "RS256"
            else ec.generate_private_key(ec.SECP256R1())
        )
        self.private[kid] = (alg, key)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, (alg, key) in self.private.items():
            public = json.loads(jwt.get_algorithm_by_name(alg).to_jwk(key.public_key()))
            keys.append(public | {"kid": kid, "alg": alg, "use": "sig"})
        return {"keys": keys}

    def token(self, kid: str, **claims: Any) -> str:
        alg, key = self.private[kid]
        now = int(time.time())
        body = {
            "sub": "local-user",
            "role": "hq",
            "aud": "sanjin",
            "iss": self.issuer,
            "iat": now,
            "exp": now + 300,
        } | claims
        return jwt.encode({k: v for k, v in body.items() if v is not None}, key, alg, {"kid": kid})

    def start(self) -> None:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                base = "/realms/local"
                if self.path == base + "/.well-known/openid-configuration":
                    status, document = (
                        200,
                        {
                            "issuer": issuer.issuer,
                            "jwks_uri": issuer.issuer + "/certs",
                        },
                    )
                elif self.path == base + "/certs":
                    issuer.fetches += 1
                    status, document = (500, {}) if issuer.broken else (200, issuer.jwks())
                else:
                    status, document = 404, {}
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
