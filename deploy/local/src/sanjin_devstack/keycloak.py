"""Keycloak, the local identity provider, from its distribution on Maven Central (no Docker).

The version is pinned in `deploy/local/keycloak/pom.xml` and must equal the
`quay.io/keycloak/keycloak` image of deploy/compose. Maven copies the distribution's zip into the
cache once; each run directory gets a small home of its own (its configuration, its augmented
build and its H2 database; the jars and themes are links into the cache), so two runs never write
to the same files.

The realm `sanjin` is code: `deploy/identity/realm-sanjin.json` holds its settings, client scopes
and mappers and the web application's client. `render_realm` adds what is derived: the realm roles
(from `Role`), one officer and one system client per reporting unit (from `PROVINCES`), the
national users and clients, and their passwords and secrets, generated at the first start of a
run directory into `<run_dir>/identity.json` (never committed, never a fixed value). The realm
hashes passwords with 27,500 PBKDF2 iterations, not Keycloak's 210,000: generated passwords carry
144 bits, which need no stretching, and the import of 35 users is a minute shorter on two cores.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import stat
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from sanjin_devstack import procs
from sanjin_devstack.paths import REPO, cache_dir, pom_property
from sanjin_shared.auth import Role
from sanjin_shared.reference import PROVINCES

POM = REPO / "deploy" / "local" / "keycloak" / "pom.xml"
REALM_FILE = REPO / "deploy" / "identity" / "realm-sanjin.json"
REALM = "sanjin"
WEB_CLIENT = "sanjin-web"
NATIONAL_ROLES = (Role.hq, Role.viewer, Role.admin)  # one user and one system client each


def keycloak_version() -> str:
    return pom_property(POM, "keycloak.version")


def _dev_build() -> Path:
    """Keycloak's build for development mode, kept from a first start (it takes 20 s and more)."""
    return cache_dir() / "keycloak" / keycloak_version() / "dev-build"


def install() -> Path:
    """The unpacked distribution, downloaded with Maven from Maven Central if not cached yet."""
    version = keycloak_version()
    dist = cache_dir() / "keycloak" / version / f"keycloak-{version}"
    if (dist / ".complete").exists():
        return dist
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise RuntimeError("Keycloak needs Java 17+ and Maven (mvn) on PATH")
    staging = Path(tempfile.mkdtemp(prefix="keycloak-", dir=cache_dir()))
    try:
        print(f"[devstack] downloading Keycloak {version} from Maven Central ...", flush=True)
        subprocess.run(
            [
                "mvn",
                "-q",
                "-B",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={staging}",
                "-DexcludeTransitive=true",
            ],
            check=True,
        )
        archive = staging / f"keycloak-quarkus-dist-{version}.zip"
        _unzip(archive, staging)
        archive.unlink()
        unpacked = staging / f"keycloak-{version}"
        (unpacked / ".complete").write_text(version)
        dist.parent.mkdir(parents=True, exist_ok=True)
        if dist.exists():
            shutil.rmtree(dist)
        unpacked.rename(dist)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dist


def _unzip(archive: Path, target: Path) -> None:
    """Unpack keeping the executable bits (zipfile drops them)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, target))
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                path.chmod(stat.S_IMODE(mode))


# -- the realm ------------------------------------------------------------------------------------


def _password() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits


def unit_user(code: str) -> str:
    return f"prov-{code}"


def unit_client(code: str) -> str:
    return f"system-{code}"


def national_client(role: Role) -> str:
    return f"system-{role.value}"


def generate_identity(issuer: str) -> dict[str, Any]:
    """Fresh passwords and client secrets for every user and system client of the realm."""
    users = [unit_user(code) for code in PROVINCES] + [r.value for r in NATIONAL_ROLES]
    clients = [unit_client(code) for code in PROVINCES] + [
        national_client(r) for r in NATIONAL_ROLES
    ]
    return {
        "issuer": issuer,
        "users": {name: _password() for name in users},
        "clients": {client_id: _password() for client_id in clients},
    }


def _hardcoded(claim: str, value: str) -> dict[str, Any]:
    return {
        "name": f"{claim} {value}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "consentRequired": False,
        "config": {
            "claim.name": claim,
            "claim.value": value,
            "jsonType.label": "String",
            "access.token.claim": "true",
            "id.token.claim": "true",
            "userinfo.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }


def _user(name: str, password: str, role: Role, first: str, province: str | None) -> dict[str, Any]:
    attributes = {"role": [role.value]}
    if province is not None:
        attributes["province"] = [province]
    return {
        "username": name,
        "enabled": True,
        "emailVerified": True,
        "firstName": first,
        "lastName": role.label_zh,
        "attributes": attributes,
        "realmRoles": [role.value],
        "credentials": [{"type": "password", "value": password, "temporary": False}],
    }


def _system_client(
    client_id: str, secret: str, role: Role, scopes: list[str], province: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A confidential client for a system (client credentials), and its service-account user."""
    mappers = [_hardcoded("role", role.value)]
    if province is not None:
        mappers.append(_hardcoded("province", province))
    client = {
        "clientId": client_id,
        "name": f"{PROVINCES[province]} 报送系统" if province else f"{role.label_zh} 系统",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": secret,
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "protocolMappers": mappers,
        "defaultClientScopes": scopes,
        "optionalClientScopes": [],
    }
    account = {
        "username": f"service-account-{client_id}",
        "enabled": True,
        "serviceAccountClientId": client_id,
        "realmRoles": [role.value],
    }
    return client, account


def render_realm(identity: dict[str, Any], template: Path = REALM_FILE) -> dict[str, Any]:
    """The realm to import: the template plus the roles, users and clients derived from code."""
    realm: dict[str, Any] = json.loads(template.read_text())
    scopes = [s for s in realm["defaultDefaultClientScopes"] if s not in ("profile", "web-origins")]
    realm["roles"] = {
        "realm": [{"name": r.value, "description": r.label_zh, "composite": False} for r in Role]
    }
    users, clients = identity["users"], identity["clients"]
    accounts = []
    for code, name in PROVINCES.items():
        realm["users"].append(
            _user(unit_user(code), users[unit_user(code)], Role.province, name, code)
        )
        client, account = _system_client(
            unit_client(code), clients[unit_client(code)], Role.province, scopes, code
        )
        realm["clients"].append(client)
        accounts.append(account)
    for role in NATIONAL_ROLES:
        realm["users"].append(_user(role.value, users[role.value], role, "国家级", None))
        client, account = _system_client(
            national_client(role), clients[national_client(role)], role, scopes, None
        )
        realm["clients"].append(client)
        accounts.append(account)
    realm["users"].extend(accounts)
    return realm


# -- the server -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeycloakServer:
    run_dir: Path
    port: int = 8180
    heap: str = "512m"
    name: str = "keycloak"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    @property
    def identity_file(self) -> Path:
        return self.run_dir / "identity.json"

    @property
    def home(self) -> Path:
        return self.run_dir / "keycloak"

    @property
    def admin_file(self) -> Path:
        """The master realm's bootstrap administrator (for Keycloak's admin API and console)."""
        return self.home / "admin.json"

    def identity(self) -> dict[str, Any]:
        """The users' passwords and the clients' secrets of this run directory."""
        return dict(json.loads(self.identity_file.read_text()))

    def admin(self) -> dict[str, str]:
        return dict(json.loads(self.admin_file.read_text()))

    def _prepare_home(self, dist: Path) -> None:
        """A home of this run's own: copies of what Keycloak writes, links to what it only reads."""
        home = self.home
        if not (home / "bin" / "kc.sh").exists():
            (home / "lib").mkdir(parents=True, exist_ok=True)
            for part in ("bin", "conf", "lib/app"):
                shutil.copytree(dist / part, home / part, dirs_exist_ok=True)
            built = _dev_build() if (_dev_build() / ".complete").exists() else None
            shutil.copytree(built or dist / "lib" / "quarkus", home / "lib" / "quarkus")
            shutil.copy2(dist / "lib" / "quarkus-run.jar", home / "lib" / "quarkus-run.jar")
            for part in ("lib/lib", "themes", "providers"):
                (home / part).symlink_to(dist / part, target_is_directory=True)
        if not self.admin_file.exists():
            self.admin_file.write_text(json.dumps({"username": "admin", "password": _password()}))
            self.admin_file.chmod(0o600)

    def _write_realm(self) -> None:
        """Secrets of the first start, and the realm to import when it changed.

        Keycloak imports a realm only if it does not exist yet; when the rendered realm differs
        from the one imported before (the template changed, identity.json was removed), the
        local database is dropped so that the new one is imported.
        """
        if not self.identity_file.exists():
            self.identity_file.write_text(json.dumps(generate_identity(self.issuer), indent=2))
            self.identity_file.chmod(0o600)
        identity = self.identity()
        if identity.get("issuer") != self.issuer:  # the same run directory on another port
            identity["issuer"] = self.issuer
            self.identity_file.write_text(json.dumps(identity, indent=2))
        realm = json.dumps(render_realm(identity), ensure_ascii=False, indent=1)
        digest = hashlib.sha256(realm.encode()).hexdigest()
        stamp = self.home / "data" / "realm.sha256"
        if stamp.exists() and stamp.read_text() != digest:
            print(
                "[devstack] the realm changed: Keycloak's local database is re-created", flush=True
            )
            shutil.rmtree(self.home / "data" / "h2", ignore_errors=True)
        imports = self.home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        target = imports / f"realm-{REALM}.json"
        target.write_text(realm)
        target.chmod(0o600)
        stamp.write_text(digest)

    def start(self) -> None:
        dist = install()
        self._prepare_home(dist)
        self._write_realm()
        admin = self.admin()
        procs.spawn(
            self.name,
            [
                str(self.home / "bin" / "kc.sh"),
                "start-dev",
                "--http-host",
                "127.0.0.1",
                "--http-port",
                str(self.port),
                "--import-realm",
            ],
            run_dir=self.run_dir,
            env={
                "JAVA_OPTS_KC_HEAP": f"-Xms64m -Xmx{self.heap}",
                "KC_BOOTSTRAP_ADMIN_USERNAME": admin["username"],
                "KC_BOOTSTRAP_ADMIN_PASSWORD": admin["password"],
            },
            cwd=self.home,
        )

    def ready(self) -> bool:
        if procs.pid_of(self.name, run_dir=self.run_dir) is None:
            raise RuntimeError(f"Keycloak exited; see {self.run_dir / 'logs' / 'keycloak.log'}")
        if not procs.port_open(self.port):
            return False
        answer = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=3)
        return answer.status_code == 200 and answer.json().get("issuer") == self.issuer

    def wait_ready(self, timeout_s: float = 300) -> None:
        procs.wait_for(
            self.ready, timeout_s=timeout_s, what=f"Keycloak on {self.port}", interval_s=0.5
        )
        self._keep_dev_build()

    def _keep_dev_build(self) -> None:
        """Keep this home's build for development mode, so that later homes start without one."""
        target = _dev_build()
        if (target / ".complete").exists():
            return
        staging = Path(tempfile.mkdtemp(prefix="keycloak-build-", dir=cache_dir()))
        shutil.copytree(self.home / "lib" / "quarkus", staging, dirs_exist_ok=True)
        (staging / ".complete").write_text(keycloak_version())
        shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)
        except OSError:  # another run kept its build first
            shutil.rmtree(staging, ignore_errors=True)

    def stop(self) -> None:
        procs.stop(self.name, run_dir=self.run_dir, timeout_s=30)

    def running(self) -> bool:
        return procs.pid_of(self.name, run_dir=self.run_dir) is not None

    # -- clients of the running server, for scripts and tests --------------------------------------

    def client_token(self, client_id: str, secret: str | None = None) -> str:
        """An access token of a system client (client credentials)."""
        secret = secret if secret is not None else self.identity()["clients"][client_id]
        answer = httpx.post(
            self.token_url,
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
            timeout=10,
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def admin_token(self) -> str:
        """An access token of the master realm's administrator (Keycloak's admin API)."""
        admin = self.admin()
        answer = httpx.post(
            f"{self.url}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": admin["username"],
                "password": admin["password"],
            },
            timeout=10,
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])
