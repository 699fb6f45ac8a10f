"""An SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it takes and can refuse recipients with the
reply it is given: a real server, so the code under test speaks real SMTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Mailbox(Message):
    def __init__(self, refuse_rcpt: str | None = None) -> None:
        super().__init__()
        self.messages: list[bytes] = []
        self.refuse_rcpt = refuse_rcpt
        self.port = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def handle_message(self, message: Any) -> None:
        self.messages.append(message.as_bytes())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(refuse_rcpt: str | None = None) -> Iterator[Mailbox]:
    """A running server; `refuse_rcpt` ("550 no such user", "450 try later") answers every RCPT TO."""
    mailbox = Mailbox(refuse_rcpt)
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
