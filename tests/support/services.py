"""Service processes for end-to-end tests: real uvicorn processes on free ports."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sanjin_devstack import procs
from sanjin_devstack.paths import REPO
from sanjin_devstack.stack import uvicorn_argv
from sanjin_shared.registry import service


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    run_dir: Path
    port: int = field(default_factory=procs.free_port)
    instance: str = ""

    @property
    def proc_name(self) -> str:
        return f"{self.name}{self.instance}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServiceProcess:
        procs.spawn(
            self.proc_name,
            uvicorn_argv(service(self.name).factory, self.port),
            run_dir=self.run_dir,
            env={**os.environ, **self.env},
            cwd=REPO,
        )
        return self

    def wait_ready(self, timeout_s: float = 60, *, require_ready: bool = True) -> ServiceProcess:
        path = "/readyz" if require_ready else "/healthz"

        def ok() -> bool:
            if not self.running():
                raise RuntimeError(f"{self.proc_name} exited:\n{self.log_tail()}")
            return httpx.get(self.url + path, timeout=2).status_code == 200

        procs.wait_for(ok, timeout_s=timeout_s, what=f"{self.proc_name} {path}")
        return self

    def running(self) -> bool:
        return procs.pid_of(self.proc_name, run_dir=self.run_dir) is not None

    def stop(self) -> None:
        procs.stop(self.proc_name, run_dir=self.run_dir)

    def kill(self) -> None:
        procs.kill(self.proc_name, run_dir=self.run_dir)

    @property
    def log_path(self) -> Path:
        return self.run_dir / "logs" / f"{self.proc_name}.log"

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
