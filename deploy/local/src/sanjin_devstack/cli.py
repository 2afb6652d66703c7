"""`sanjin-dev`: run the local stack.

sanjin-dev up        install what is missing, start Kafka, SecantusDB and the five services
sanjin-dev down      stop everything `up` started
sanjin-dev logs      follow the logs
sanjin-dev status    what runs
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from sanjin_devstack import kafka, mongo
from sanjin_devstack.paths import run_dir
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
        )
    stack = Stack(infra)
    if args.command == "up" and args.port_offset:
        stack.ports = {n: p + args.port_offset for n, p in stack.ports.items()}
        stack.gateway_port += args.port_offset
    ports_file = directory / "ports"
    if args.command == "up":
        ports_file.write_text(" ".join(f"{n}={p}" for n, p in stack.ports.items()))
    elif ports_file.exists():
        stack.ports = {
            n: int(p) for n, p in (item.split("=") for item in ports_file.read_text().split())
        }
    return stack


def _install(_stack: Stack) -> int:
    """Fetch Kafka's jars and SecantusDB now, so that no test waits for a build."""
    if os.environ.get("SANJIN_KAFKA_BOOTSTRAP"):
        print("[devstack] SANJIN_KAFKA_BOOTSTRAP is set: no local Kafka needed")
    else:
        print(f"[devstack] Kafka jars in {kafka.install()}")
    if os.environ.get("SANJIN_MONGODB_URI"):
        print("[devstack] SANJIN_MONGODB_URI is set: no local MongoDB needed")
    else:
        flavour, binary = mongo.install()
        print(f"[devstack] SecantusDB ({flavour}) at {binary}")
    return 0


def _up(stack: Stack) -> int:
    started = time.monotonic()
    stack.up()
    print(f"\nSanjin is up in {time.monotonic() - started:.0f}s (run directory {stack.run_dir}):")
    for s in SERVICES:
        print(f"  {s.name:<16} {stack.url(s.name)}/docs")
    print(f"  {'web application':<16} {stack.gateway.url}/  (each service at /api/<slug>/)")
    print("\nA token for headquarters:  uv run sanjin token --role hq")
    print("A token for Beijing:       uv run sanjin token --role province --province 110000")
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


def _logs(stack: Stack) -> int:
    logs = sorted((stack.run_dir / "logs").glob("*.log"))
    if not logs:
        print("no logs yet: make up first", file=sys.stderr)
        return 1
    os.execvp("tail", ["tail", "-n", "20", "-F", *map(str, logs)])  # noqa: S606 - fixed argv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sanjin-dev", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["install", "up", "down", "logs", "status"])
    parser.add_argument("--run-dir", default="dev", help="name of the run directory under .run/")
    parser.add_argument("--kafka-port", type=int, default=9092)
    parser.add_argument("--controller-port", type=int, help="KRaft controller (default: kafka + 1)")
    parser.add_argument("--mongo-port", type=int, default=27017)
    parser.add_argument("--port-offset", type=int, default=0, help="added to the service ports")
    args = parser.parse_args(argv)
    stack = _stack(args)
    try:
        commands = {"install": _install, "up": _up, "down": _down, "status": _status, "logs": _logs}
        return commands[args.command](stack)
    except Exception as exc:
        print(f"sanjin-dev {args.command} failed: {exc}", file=sys.stderr)
        if args.command == "up":
            stack.down()
        return 1


if __name__ == "__main__":
    sys.exit(main())
