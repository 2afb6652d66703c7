"""Run `sanjin replay` as an operator would, against a test world's aggregator database."""

from __future__ import annotations

import asyncio
import os
import re
import sys

from tests.support.polling import eventually
from tests.support.services import ServiceProcess


async def run_replay(env: dict[str, str], aggregator: ServiceProcess) -> tuple[str, str]:
    """Replay, then wait until the aggregator serves the new generation: (prefix, output)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sanjin_shared.cli",
        "replay",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), timeout=240)
    output = err.decode()
    assert proc.returncode == 0, output
    found = re.search(r"generation '(g\d+_)'", output)
    assert found, output
    prefix = found.group(1)
    print(f"\n[replay] {output.strip().splitlines()[-1]}")

    async def adopted() -> bool:
        return f'"prefix":"{prefix}"' in aggregator.log_path.read_text(errors="replace")

    await eventually(adopted, what="the aggregator following the new generation")
    return prefix, output
