"""The aggregator's commands of the `sanjin` command line (found through the entry point group
`sanjin.commands`):

sanjin replay [--drop-previous]     rebuild the read models from the topics and switch over
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sanjin_aggregator.main import CONSUMED_TOPICS
from sanjin_aggregator.service.replay import replay
from sanjin_aggregator.settings import AggregatorSettings


def _replay(args: argparse.Namespace) -> int:
    result = asyncio.run(
        replay(AggregatorSettings(), CONSUMED_TOPICS, drop_previous=args.drop_previous)
    )
    rate = result.events / result.seconds if result.seconds else 0.0
    print(
        f"replayed {result.events:,} events in {result.seconds:.1f} s ({rate:,.0f} ev/s) into "
        f"{result.current.prefix!r}; previous generation {result.previous.prefix!r}",
        file=sys.stderr,
    )
    return 0


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "replay",
        help="rebuild every read model from the beginning of the topics, then switch over",
    )
    parser.add_argument(
        "--drop-previous",
        action="store_true",
        help="delete the previous generation's collections after the switch",
    )
    parser.set_defaults(func=_replay)
