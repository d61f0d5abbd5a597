"""Mail tests: sample messages, a mail config in a temporary directory, a real SMTP server.

The SMTP server is aiosmtpd on 127.0.0.1 at a free port. Tests script its answers per
command (`server.rcpt_replies.append("550 5.1.1 No such user")`) and read what it
received as parsed messages (`server.received`).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpdesk_tui.config import MailConfig, SmtpConfig
from helpdesk_tui.services import mail_in
from helpdesk_tui.store.db import Store

MESSAGES = Path(__file__).with_name("messages")
DESK = "desk@desk.example"


def message(name: str) -> bytes:
    return (MESSAGES / f"{name}.eml").read_bytes()


def take(store: Store, name: str, config: MailConfig) -> mail_in.Intake:
    return mail_in.take_in(store, message(name), config)


@pytest.fixture
def mail_config(tmp_path) -> MailConfig:
    return MailConfig(
        from_addr=DESK,
        from_name="Служба поддержки",
        attachments_dir=tmp_path / "attachments",
        failed_dir=tmp_path / "failed",
    )


@dataclass
class Recorder:
    """An aiosmtpd handler that records what it accepts and answers as scripted."""

    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            scripted = self.rcpt_replies.pop(0) if self.rcpt_replies else ""
        if scripted:
            return scripted
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            scripted = self.data_replies.pop(0) if self.data_replies else ""
            if scripted:
                return scripted
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.received.append(
                email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            )
        return "250 2.0.0 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpServer:
    recorder: Recorder
    config: SmtpConfig

    @property
    def received(self) -> list[EmailMessage]:
        return self.recorder.received


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login,
        auth_data.password,
    ) == (b"desk", b"s3cret")
    return AuthResult(success=ok, handled=False)


def _serve(**kwargs) -> Iterator[SmtpServer]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield SmtpServer(
            recorder,
            SmtpConfig(host="127.0.0.1", port=port, timeout=5, retry_after_s=60, max_attempts=3),
        )
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on localhost."""
    yield from _serve()


@pytest.fixture
def smtp_auth_server() -> Iterator[SmtpServer]:
    """An SMTP server that wants AUTH (login desk, password s3cret)."""
    yield from _serve(authenticator=_authenticate, auth_required=True, auth_require_tls=False)
