"""For the tests of the outbox: a real SMTP server on loopback (aiosmtpd) that a test stops and
starts, and the task worker run as the operator runs it (`safeguard worker --batch`)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguard.cli import main as safeguard


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LoopbackSMTP:
    """An SMTP server on 127.0.0.1 that keeps what it accepts; `refuse` holds addresses it
    answers 550 to."""

    port: int = field(default_factory=free_port)
    received: list = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def recipients(self) -> list[str]:
        return [address for envelope in self.received for address in envelope.rcpt_tos]


def committed():
    """The block's transaction commits: what it hands to the worker's queue on commit is
    queued (the tests' own transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def run_worker() -> int:
    """`safeguard worker --batch`: run every task that is due, then stop.

    The worker closes the database connection between tasks when it is in a transaction (as a
    long-running process should); a test's whole work is one transaction that must stay open,
    so here, and only here, that closing is left out."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        return safeguard(["worker", "--batch", "--quiet"])


def time_passes() -> None:
    """The retries planned for later fall due now (as if their backoff had passed)."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def tasks_waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY").order_by("run_after"))


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port, with Django's SMTP backend pointed at it."""
    server = LoopbackSMTP()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()
