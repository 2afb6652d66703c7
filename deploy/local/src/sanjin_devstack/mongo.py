"""SecantusDB as the local MongoDB server: a separate process, never imported (it is GPL).

The Rust server `secantusd-rs` (crate secantus-mdb) is built with cargo when cargo is there; it
declares rust-version 1.98 but builds with the 1.95 toolchain of these machines, hence
`--ignore-rust-version`. Without cargo, or if the build fails, the PyPI server `secantusd-py` runs
from its own virtualenv in the cache. `SANJIN_SECANTUS=python|rust` forces one.

It answers as the primary of a single-node replica set named "secantus", so transactions work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from sanjin_devstack import procs
from sanjin_devstack.paths import cache_dir

RUST_CRATE = "secantus-mdb"
RUST_VERSION = "0.5.3-beta.196"
PYPI_PACKAGE = "SecantusDB"
PYPI_VERSION = "0.7.0b3"


def _rust_binary() -> Path:
    return cache_dir() / "secantus-rs" / RUST_VERSION / "bin" / "secantusd-rs"


def _python_binary() -> Path:
    return cache_dir() / "secantus-py" / PYPI_VERSION / "bin" / "secantusd-py"


def _install_rust() -> Path | None:
    binary = _rust_binary()
    if binary.exists():
        return binary
    if shutil.which("cargo") is None:
        return None
    print(
        f"[devstack] building {RUST_CRATE} {RUST_VERSION} with cargo (a few minutes, once) ...",
        flush=True,
    )
    result = subprocess.run(
        [
            "cargo",
            "install",
            RUST_CRATE,
            "--version",
            RUST_VERSION,
            "--locked",
            "--ignore-rust-version",
            "--root",
            str(binary.parent.parent),
        ],
        check=False,
    )
    return binary if result.returncode == 0 and binary.exists() else None


def _install_python() -> Path:
    binary = _python_binary()
    if binary.exists():
        return binary
    venv = binary.parent.parent
    print(f"[devstack] installing {PYPI_PACKAGE} {PYPI_VERSION} into {venv} ...", flush=True)
    uv = shutil.which("uv")
    if uv:
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
        subprocess.run(
            [
                uv,
                "pip",
                "install",
                "-q",
                "--python",
                str(venv / "bin" / "python"),
                f"{PYPI_PACKAGE}=={PYPI_VERSION}",
            ],
            check=True,
        )
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"{PYPI_PACKAGE}=={PYPI_VERSION}"],
            check=True,
        )
    return binary


def install() -> tuple[str, Path]:
    """("rust" | "python", path of the server binary)."""
    choice = os.environ.get("SANJIN_SECANTUS", "auto")
    if choice in ("auto", "rust"):
        binary = _install_rust()
        if binary is not None:
            return "rust", binary
        if choice == "rust":
            raise RuntimeError("the Rust SecantusDB server could not be built")
        print("[devstack] Rust server unavailable; using the PyPI server", flush=True)
    return "python", _install_python()


@dataclass(frozen=True)
class MongoServer:
    run_dir: Path
    port: int = 27017
    cache_size: str = "256M"
    name: str = "mongodb"

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self) -> str:
        flavour, binary = install()
        data = self.run_dir / "mongodb" / "data"
        data.mkdir(parents=True, exist_ok=True)
        argv = [
            str(binary),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--storage-path",
            str(data),
            "--cache-size",
            self.cache_size,
        ]
        if flavour == "rust":
            argv += ["--log-file-max", "32MB"]
        procs.spawn(self.name, argv, run_dir=self.run_dir)
        (self.run_dir / "mongodb" / "flavour").write_text(flavour)
        return flavour

    def ready(self) -> bool:
        if procs.pid_of(self.name, run_dir=self.run_dir) is None:
            raise RuntimeError(f"SecantusDB exited; see {self.run_dir / 'logs' / 'mongodb.log'}")
        if not procs.port_open(self.port):
            return False
        client: MongoClient[dict[str, Any]] = MongoClient(self.uri, serverSelectionTimeoutMS=2000)
        with client:
            hello = client.admin.command("hello")
            return bool(hello.get("isWritablePrimary") and hello.get("setName"))

    def wait_ready(self, timeout_s: float = 60) -> None:
        procs.wait_for(self.ready, timeout_s=timeout_s, what=f"SecantusDB on {self.port}")

    def stop(self) -> None:
        procs.stop(self.name, run_dir=self.run_dir, timeout_s=30)

    def kill(self) -> None:
        procs.kill(self.name, run_dir=self.run_dir)

    def running(self) -> bool:
        return procs.pid_of(self.name, run_dir=self.run_dir) is not None
