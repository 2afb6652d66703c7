"""`sanjin-dev`: run the local stack.

sanjin-dev up        install what is missing, start Kafka, SecantusDB, Keycloak and the five services
sanjin-dev down      stop everything `up` started
sanjin-dev logs      follow the logs
sanjin-dev status    what runs
sanjin-dev token C   an access token of the local Keycloak's system client C (client credentials)
sanjin-dev realm --out DIR   the realm to import elsewhere (compose), with fresh secrets, into DIR
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import httpx

from sanjin_devstack import kafka, keycloak, mongo
from sanjin_devstack.paths import REPO, run_dir
from sanjin_devstack.stack import Infra, Stack
from sanjin_shared.registry import SERVICES


def _stack(args: argparse.Namespace) -> Stack:
    directory = run_dir(args.run_dir)
    infra = Infra.load(directory)
    if args.command == "up":
        infra = Infra(
            directory,
            kafka_port=args.kafka_port,
            controller_port=args.controller_port or args.kafka_port + 1,
            mongo_port=args.mongo_port,
            keycloak_port=args.keycloak_port,
        )
    stack = Stack(infra)
    if args.command == "up" and args.port_offset:
        stack.ports = {n: p + args.port_offset for n, p in stack.ports.items()}
    ports_file = directory / "ports"
    if args.command == "up":
        ports_file.write_text(" ".join(f"{n}={p}" for n, p in stack.ports.items()))
    elif ports_file.exists():
        stack.ports = {
            n: int(p) for n, p in (item.split("=") for item in ports_file.read_text().split())
        }
    return stack


def _install(_stack: Stack) -> int:
    """Fetch Kafka's jars, SecantusDB and Keycloak now, so that no test waits for a download."""
    if os.environ.get("SANJIN_KAFKA_BOOTSTRAP"):
        print("[devstack] SANJIN_KAFKA_BOOTSTRAP is set: no local Kafka needed")
    else:
        print(f"[devstack] Kafka jars in {kafka.install()}")
    if os.environ.get("SANJIN_MONGODB_URI"):
        print("[devstack] SANJIN_MONGODB_URI is set: no local MongoDB needed")
    else:
        flavour, binary = mongo.install()
        print(f"[devstack] SecantusDB ({flavour}) at {binary}")
    print(f"[devstack] Keycloak in {keycloak.install()}")
    return 0


def _up(stack: Stack) -> int:
    started = time.monotonic()
    stack.up()
    print(f"\nSanjin is up in {time.monotonic() - started:.0f}s (run directory {stack.run_dir}):")
    for s in SERVICES:
        print(f"  {s.name:<16} {stack.url(s.name)}/docs")
    try:
        dashboard = httpx.get(stack.url("aggregator") + "/dashboard", timeout=2)
        if dashboard.status_code == 200:
            print(f"  {'dashboard':<16} {stack.url('aggregator')}/dashboard")
    except httpx.HTTPError:
        pass
    keycloak = stack.infra.keycloak
    admin = keycloak.admin_file.relative_to(REPO)
    print(f"  {'keycloak':<16} {keycloak.url}/admin (its administrator: {admin})")
    identity = keycloak.identity_file.relative_to(REPO)
    print(f"\nSign in as hq, viewer, admin or prov-<code>: passwords in {identity}")
    print(f"  your account at the identity provider: {keycloak.issuer}/account")
    print("A token for Beijing's system:  TOKEN=$(.venv/bin/sanjin-dev token system-110000)")
    print("A token for headquarters:      TOKEN=$(.venv/bin/sanjin-dev token system-hq)")
    print("Stop with: make down    Logs: make logs")
    return 0


def _down(stack: Stack) -> int:
    stack.down()
    left = {n: p for n, p in stack.pids().items() if p is not None}
    if left:
        print(f"still running: {left}", file=sys.stderr)
        return 1
    print("Sanjin is down.")
    return 0


def _status(stack: Stack) -> int:
    for name, pid in stack.pids().items():
        print(f"{name:<16} {'pid ' + str(pid) if pid else 'stopped'}")
    return 0


def _token(stack: Stack, client: str) -> int:
    """A token for scripts and curl on the local stack, as a provincial system gets one."""
    server = stack.infra.keycloak
    if not server.identity_file.exists():
        print(f"no {server.identity_file}: start the stack with `make up` first", file=sys.stderr)
        return 1
    clients = server.identity()["clients"]
    if client not in clients:
        print(
            f"no client {client!r}: system-<code> of a reporting unit (system-110000), "
            "system-hq, system-viewer or system-admin",
            file=sys.stderr,
        )
        return 2
    print(server.client_token(client))
    return 0


def _realm(out: Path, issuer: str) -> int:
    """The realm file and its identity.json for a Keycloak of another deployment (compose)."""
    out.mkdir(parents=True, exist_ok=True)
    identity_file = out / "identity.json"
    if identity_file.exists():  # the secrets stay; the realm follows the template
        identity = json.loads(identity_file.read_text())
    else:
        identity = keycloak.generate_identity(issuer)
        identity_file.write_text(json.dumps(identity, indent=2))
        identity_file.chmod(0o600)
    realm_file = out / f"realm-{keycloak.REALM}.json"
    realm_file.write_text(json.dumps(keycloak.render_realm(identity), ensure_ascii=False, indent=1))
    realm_file.chmod(0o644)  # read by Keycloak's own user in its container
    print(f"{realm_file}\n{identity_file} (the passwords and client secrets)")
    return 0


def _logs(stack: Stack) -> int:
    logs = sorted((stack.run_dir / "logs").glob("*.log"))
    if not logs:
        print("no logs yet: make up first", file=sys.stderr)
        return 1
    os.execvp("tail", ["tail", "-n", "20", "-F", *map(str, logs)])  # noqa: S606 - fixed argv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sanjin-dev", description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["install", "up", "down", "logs", "status", "token", "realm"]
    )
    parser.add_argument("client", nargs="?", default="system-110000", help="token: client id")
    parser.add_argument("--run-dir", default="dev", help="name of the run directory under .run/")
    parser.add_argument("--kafka-port", type=int, default=9092)
    parser.add_argument("--controller-port", type=int, help="KRaft controller (default: kafka + 1)")
    parser.add_argument("--mongo-port", type=int, default=27017)
    parser.add_argument("--keycloak-port", type=int, default=8180)
    parser.add_argument("--port-offset", type=int, default=0, help="added to the service ports")
    parser.add_argument("--out", type=Path, help="realm: the directory to write into")
    parser.add_argument(
        "--issuer", default="http://localhost:8180/realms/sanjin", help="realm: its issuer"
    )
    args = parser.parse_args(argv)
    if args.command == "realm":
        if args.out is None:
            parser.error("realm needs --out DIR")
        return _realm(args.out, args.issuer)
    stack = _stack(args)
    try:
        if args.command == "token":
            return _token(stack, args.client)
        commands = {"install": _install, "up": _up, "down": _down, "status": _status, "logs": _logs}
        return commands[args.command](stack)
    except Exception as exc:
        print(f"sanjin-dev {args.command} failed: {exc}", file=sys.stderr)
        if args.command == "up":
            stack.down()
        return 1


if __name__ == "__main__":
    sys.exit(main())
