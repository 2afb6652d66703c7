"""E-mail through the organisation's SMTP server (aiosmtplib): plain, STARTTLS or implicit TLS,
with a login when the server asks for one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

import aiosmtplib


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["none", "starttls", "tls"]
    sender: str
    username: str | None = None
    password: str | None = None
    timeout_s: float = 10.0


class SmtpMailer:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, to: Sequence[str], subject: str, text: str) -> None:
        """Send one message to all of `to`; raises when the server refuses or cannot be reached."""
        c = self._config
        msg = EmailMessage()
        msg["From"] = c.sender
        msg["To"] = ", ".join(to)
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=c.sender.rpartition("@")[2] or None)
        msg.set_content(text, charset="utf-8")
        await aiosmtplib.send(
            msg,
            hostname=c.host,
            port=c.port,
            use_tls=c.security == "tls",
            start_tls=c.security == "starttls",
            username=c.username,
            password=c.password,
            timeout=c.timeout_s,
        )
