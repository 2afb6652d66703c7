"""Where the time goes: py-spy sampling a process while one measurement runs.

`make bench BENCH_ARGS="--profile"` records each measured process (the events service during
ingest, the benchmark's own process during relay and apply, where those run) and writes, per
measurement, `bench/results/profile-<name>.txt`: the share of samples in which each function is
on the stack (inclusive) and at the top (self), and the raw collapsed stacks beside it for a
flame graph (`profile-<name>.folded`). Sampling is non-blocking, so the process is not paused;
it costs a few percent, so ratios from a profiled run are not the ones to report.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

RATE_HZ = 200


@contextlib.contextmanager
def profiled(pid: int, name: str, out_dir: Path, *, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    folded = out_dir / f"profile-{name}.folded"
    out_dir.mkdir(parents=True, exist_ok=True)
    recorder = subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(RATE_HZ),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(folded),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        try:
            _, err = recorder.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()
            _, err = recorder.communicate()
        if folded.exists():
            summary = summarise(folded.read_text())
            (out_dir / f"profile-{name}.txt").write_text(summary)
            print(f"\nprofile of {name} (pid {pid}):\n{summary}")
        else:
            print(f"py-spy wrote no profile for {name}: {err.decode(errors='replace')[-500:]}")


def summarise(folded: str, top: int = 25) -> str:
    """Inclusive and self shares of each function from py-spy's collapsed stacks."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in folded.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_short(f) for f in stack.split(";")]
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return "no samples\n"
    lines = [f"{total} samples at {RATE_HZ} Hz", "", "inclusive  function"]
    lines += [f"{n / total:8.1%}   {f}" for f, n in inclusive.most_common(top)]
    lines += ["", "self       function"]
    lines += [f"{n / total:8.1%}   {f}" for f, n in own.most_common(top)]
    return "\n".join(lines) + "\n"


def _short(frame: str) -> str:
    """`send (aiokafka/producer/producer.py:123)` → `send (aiokafka/producer/producer.py)`."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{name} ({path})"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process (all its threads) has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """The CPU seconds each process of the stack spends while a measurement runs, beside its wall
    time. On a shared machine with two cores a sampling profile counts time a process waits for
    a core as time in the function it is in; CPU time does not."""

    def __init__(self, pids: dict[str, int | None]) -> None:
        self.pids = {name: pid for name, pid in pids.items() if pid is not None}
        self.spent: dict[str, dict[str, float]] = {}

    @contextlib.contextmanager
    def measure(self, name: str) -> Iterator[None]:
        before = {proc: cpu_seconds(pid) for proc, pid in self.pids.items()}
        started = time.perf_counter()
        yield
        wall = time.perf_counter() - started
        self.spent[name] = {"wall": round(wall, 2)} | {
            proc: round(cpu_seconds(pid) - before[proc], 2) for proc, pid in self.pids.items()
        }

    def table(self) -> str:
        if not self.spent:
            return ""
        procs = list(self.pids)
        width = max(len(name) for name in self.spent) + 2
        lines = [f"{'CPU seconds during':<{width}}{'wall':>8}" + "".join(f"{p:>12}" for p in procs)]
        for name, spent in self.spent.items():
            lines.append(
                f"{name:<{width}}{spent['wall']:>8}" + "".join(f"{spent[p]:>12}" for p in procs)
            )
        return "\n".join(lines)
