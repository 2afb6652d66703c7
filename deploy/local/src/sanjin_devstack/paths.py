"""Where things live: downloads in a cache outside the repository, state in a run directory."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def cache_dir() -> Path:
    base = os.environ.get("SANJIN_CACHE_DIR") or Path.home() / ".cache" / "sanjin"
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_dir(name: str = "dev") -> Path:
    path = REPO / ".run" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
