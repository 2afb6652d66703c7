"""Background processes recorded by pid files, stopped by process group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def spawn(
    name: str,
    argv: Sequence[str],
    *,
    run_dir: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start `argv` detached in its own session, output to `<run_dir>/logs/<name>.log`."""
    (run_dir / "logs").mkdir(parents=True, exist_ok=True)
    (run_dir / "pids").mkdir(parents=True, exist_ok=True)
    stop(name, run_dir=run_dir)  # a leftover of a crashed run must not hold the port
    log = (run_dir / "logs" / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        list(argv),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        start_new_session=True,
    )
    log.close()
    (run_dir / "pids" / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def pid_of(name: str, *, run_dir: Path) -> int | None:
    path = run_dir / "pids" / f"{name}.pid"
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
    except ValueError:
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of this process counts as gone
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        return waited == 0
    except ChildProcessError:
        return True


def stop(name: str, *, run_dir: Path, timeout_s: float = 20.0, sig: int = signal.SIGTERM) -> bool:
    """Stop a recorded process and its group: the signal, then SIGKILL after the timeout."""
    path = run_dir / "pids" / f"{name}.pid"
    pid = pid_of(name, run_dir=run_dir)
    if pid is None:
        path.unlink(missing_ok=True)
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
    deadline = time.monotonic() + timeout_s
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        while alive(pid):
            time.sleep(0.05)
    path.unlink(missing_ok=True)
    return True


def kill(name: str, *, run_dir: Path) -> bool:
    """SIGKILL at once (chaos and broker-outage tests)."""
    return stop(name, run_dir=run_dir, timeout_s=0, sig=signal.SIGKILL)


def wait_for(
    predicate: Callable[[], bool], *, timeout_s: float, what: str, interval_s: float = 0.2
) -> None:
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception as exc:
            last_error = exc
        time.sleep(interval_s)
    raise TimeoutError(f"{what} not ready after {timeout_s:.0f}s (last error: {last_error!r})")
