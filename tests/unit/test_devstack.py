"""The local stack's pinned versions are read correctly."""

from __future__ import annotations

import re

from sanjin_devstack.kafka import kafka_version
from sanjin_devstack.mongo import PYPI_VERSION, RUST_VERSION


def test_the_kafka_version_comes_from_the_pom() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", kafka_version())
    assert kafka_version() == "4.1.1"


def test_secantus_versions_are_pinned() -> None:
    assert RUST_VERSION and PYPI_VERSION
