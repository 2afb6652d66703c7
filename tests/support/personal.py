"""Personal data the tests send (consumers' names and phones), and the check that none of it
reaches a log line: every service process's log is scanned when the test session ends."""

from __future__ import annotations

import re
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
_sent_names: set[str] = set()


def consumer(n: int) -> tuple[str, str]:
    """The n-th test consumer: a three-character Chinese name and a mobile number, remembered."""
    name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 7) % len(GIVEN)] + GIVEN[(n // 3) % len(GIVEN)]
    _sent_names.add(name)
    return name, f"1{3 + n % 7}{n:09d}"


def leaks_in(log_dir: Path) -> list[str]:
    """Lines of the logs that carry a phone number or a name a test sent."""
    found = []
    for log in sorted(log_dir.glob("*.log")):
        for number, line in enumerate(log.read_text(errors="replace").splitlines(), 1):
            if PHONE.search(line) or any(name in line for name in _sent_names):
                found.append(f"{log.name}:{number}: {line[:200]}")
    return found
