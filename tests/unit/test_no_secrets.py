"""No secret in the repository or in what the image is built from: no private keys, cloud keys
or filled-in secret variables in tracked files, no `.env` file tracked, and the Docker build
context leaves `.env` files and keys out. (The throw-away secrets of the local stack and the
tests are named as such in the code and refused by production settings.)"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "filled-in secret variable": re.compile(r"^[ \t]*SANJIN_JWT_SECRET[ \t]*=[ \t]*\S+", re.M),
    "password in a URI": re.compile(r"mongodb(\+srv)?://[^/\s:@]+:[^/\s@]+@"),
}


def _tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return [REPO / line for line in out.splitlines() if line]


def test_no_secret_in_a_tracked_file() -> None:
    found = []
    for path in _tracked():
        if path.name == ".env" or path.suffix in (".pem", ".key") or path.name.startswith("id_"):
            found.append(f"{path.relative_to(REPO)}: a secret-bearing file is tracked")
            continue
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for what, pattern in PATTERNS.items():
            if pattern.search(text):
                found.append(f"{path.relative_to(REPO)}: {what}")
    assert not found, "\n".join(found)


def test_the_image_build_context_leaves_secrets_out() -> None:
    ignored = (REPO / ".dockerignore").read_text().split()
    for needed in ("**/.env", "**/*.pem", "**/*.key", ".run", ".git"):
        assert needed in ignored, needed


def test_kubernetes_manifests_reference_secrets_and_never_carry_them() -> None:
    for path in (REPO / "deploy" / "k8s").rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "Secret":
                assert not doc.get("data") and not doc.get("stringData"), path
