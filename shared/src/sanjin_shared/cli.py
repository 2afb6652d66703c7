"""`sanjin`: the platform's command line.

sanjin token --role province --province 110000     mint an HS256 token (test environment only)
sanjin topics                                      create/update the Kafka topics
sanjin schemas [--check]                           write (or check) the event JSON Schemas
sanjin openapi [--out DIR]                         write each service's OpenAPI document
sanjin asyncapi [--check]                          write (or check) docs/asyncapi.json
sanjin replay [--drop-previous]                    rebuild the aggregator's read models

Services add commands through the entry point group `sanjin.commands` (a function that takes
the subparsers), so this package needs none of them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from importlib.metadata import entry_points
from pathlib import Path

from pydantic import ValidationError
from pymongo.errors import ConnectionFailure

from sanjin_shared.apidocs import write_openapi
from sanjin_shared.asyncapi import asyncapi_document, render, write_asyncapi
from sanjin_shared.auth import Role, mint_token
from sanjin_shared.events.catalogue import SCHEMA_DIR, current_schemas, write_schema_snapshots
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.settings import ServiceSettings


def _token(args: argparse.Namespace) -> int:
    settings = ServiceSettings(service_name="cli")
    secret = settings.effective_jwt_secret()
    if secret is None:
        print(
            "sanjin token: HS256 tokens exist in the test environment only (SANJIN_ENVIRONMENT="
            "test); elsewhere tokens come from the identity provider: on the local stack "
            "`.venv/bin/sanjin-dev token system-110000` (README, 'Signing in')",
            file=sys.stderr,
        )
        return 2
    if args.role == Role.province and not args.province:
        print("--province is required for role province", file=sys.stderr)
        return 2
    print(
        mint_token(
            secret,
            sub=args.sub or f"{args.role}-{args.province or 'national'}",
            role=args.role,
            province=args.province,
            audience=settings.jwt_audience,
            ttl_s=args.ttl,
        )
    )
    return 0


def _topics(args: argparse.Namespace) -> int:
    settings = ServiceSettings(service_name="cli")
    result = asyncio.run(
        provision_topics(
            args.bootstrap or settings.kafka_bootstrap,
            prefix=settings.topic_prefix,
            replication_factor=args.replication_factor,
        )
    )
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


def _schemas(args: argparse.Namespace) -> int:
    if args.check:
        stale = [
            name
            for name, schema in current_schemas().items()
            if not (SCHEMA_DIR / name).exists()
            or json.loads((SCHEMA_DIR / name).read_text()) != schema
        ]
        for name in stale:
            print(f"schema snapshot out of date: {name}", file=sys.stderr)
        return 1 if stale else 0
    for path in write_schema_snapshots():
        print(path)
    return 0


def _openapi(args: argparse.Namespace) -> int:
    for path in write_openapi(Path(args.out)):
        print(path)
    return 0


def _asyncapi(args: argparse.Namespace) -> int:
    path = Path(args.out)
    if args.check:
        current = path.exists() and path.read_text(encoding="utf-8") == render(asyncapi_document())
        if not current:
            print(f"{path} is out of date: run `sanjin asyncapi`", file=sys.stderr)
        return 0 if current else 1
    print(write_asyncapi(path))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sanjin", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    token = sub.add_parser("token", help="mint a local HS256 token")
    token.add_argument("--role", type=Role, choices=list(Role), required=True)
    token.add_argument("--province", help="6-digit code, required for role province")
    token.add_argument("--sub", help="subject (default: derived from role and province)")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds")
    token.set_defaults(func=_token)

    topics = sub.add_parser("topics", help="create or update the platform's Kafka topics")
    topics.add_argument("--bootstrap", default=os.environ.get("SANJIN_KAFKA_BOOTSTRAP"))
    topics.add_argument("--replication-factor", type=int, default=1)
    topics.set_defaults(func=_topics)

    schemas = sub.add_parser("schemas", help="write the event JSON Schema snapshots")
    schemas.add_argument("--check", action="store_true", help="fail if a snapshot is out of date")
    schemas.set_defaults(func=_schemas)

    openapi = sub.add_parser("openapi", help="write each service's OpenAPI document (no servers)")
    openapi.add_argument("--out", default=".run/openapi", help="directory (default .run/openapi)")
    openapi.set_defaults(func=_openapi)

    asyncapi = sub.add_parser("asyncapi", help="write the AsyncAPI document of the events")
    asyncapi.add_argument("--out", default="docs/asyncapi.json")
    asyncapi.add_argument("--check", action="store_true", help="fail if the file is out of date")
    asyncapi.set_defaults(func=_asyncapi)

    for plugin in entry_points(group="sanjin.commands"):
        plugin.load()(sub)

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except ValidationError as exc:  # a SANJIN_* variable: its own message, no traceback
        problems = "; ".join(
            ".".join(map(str, e["loc"]))
            + ": " * bool(e["loc"])
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        print(f"sanjin {args.command}: invalid settings: {problems}", file=sys.stderr)
        return 2
    except ConnectionFailure as exc:
        reason = str(exc).split(" (configured timeouts")[0]
        print(f"sanjin {args.command} failed: MongoDB did not answer: {reason}", file=sys.stderr)
        return 1
    except Exception as exc:  # an operator's command: one line saying what failed
        print(f"sanjin {args.command} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
