"""Where things live: downloads in a cache outside the repository, state in a run directory."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
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


def pom_property(pom: Path, name: str) -> str:
    """A version pinned as a property of one of the repository's poms (Kafka, Keycloak)."""
    root = ET.parse(pom).getroot()  # noqa: S314 - the repository's own pom
    node = root.find(f"m:properties/m:{name}", {"m": "http://maven.apache.org/POM/4.0.0"})
    version = (node.text or "").strip() if node is not None else ""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise RuntimeError(f"{name} in {pom} is not a version: {version!r}")
    return version
