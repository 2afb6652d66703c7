"""`sanjin`: the platform's command line.

sanjin token --role province --province 110000     mint a local HS256 token
sanjin topics                                      create/update the Kafka topics
sanjin schemas [--check]                           write (or check) the event JSON Schemas
sanjin openapi [--out DIR]                         write each service's OpenAPI document
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

from sanjin_shared.apidocs import write_openapi
from sanjin_shared.auth import Role, mint_token
from sanjin_shared.events.catalogue import SCHEMA_DIR, current_schemas, write_schema_snapshots
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.settings import ServiceSettings


def _token(args: argparse.Namespace) -> int:
    settings = ServiceSettings(service_name="cli")
    secret = settings.effective_jwt_secret()
    if secret is None:
        print(
            "SANJIN_JWT_SECRET is not set (tokens are minted only for HS256 stacks)",
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

    for plugin in entry_points(group="sanjin.commands"):
        plugin.load()(sub)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
