"""Email through a real SMTP server (aiosmtpd, started by the test) with the settings the
environment gives, and a mail server that is down: retried by a real worker with growing
waits until it answers, and never dropped without a word in the log."""

import json
import os
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.bulk.conftest import bulk_queue, start_worker, wait_until  # noqa: F401 (fixtures)
from tests.conftest import ROOT, free_port
from workflows_app.core import mail


class Inbox:
    """What the test's SMTP server received (and who logged in to send it)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode())
        )
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"console", b"s3cret")
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


def smtp_server(port: int, inbox: Inbox) -> Controller:
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,  # a local test server: no certificate to offer
    )
    controller.start()
    return controller


def mail_server_down(settings, queue: str) -> tuple[int, dict[str, str]]:
    """Point this process's mail at a port where nothing listens yet (a real refused
    connection), retries at 1 s on `queue`; returns the port and the SMTP environment for the
    test's worker."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.MAIL_QUEUE = queue  # this test's worker only
    settings.MAIL_RETRY_FIRST_WAIT = 1
    return port, {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_TIMEOUT": "2"}


@pytest.fixture
def inbox():
    return Inbox()


def test_smtp_settings_come_from_the_environment():
    env = {
        **os.environ,
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "console",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "console@example.org",
    }
    names = [
        "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS", "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL",
    ]  # fmt: skip
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "console",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "DEFAULT_FROM_EMAIL": "console@example.org",
    }


def test_an_email_goes_through_a_real_smtp_server_with_a_login(inbox, settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "console", "s3cret"
    settings.DEFAULT_FROM_EMAIL = "console@example.org"
    server = smtp_server(port, inbox)
    try:
        assert mail.send_with_retry("Hello", "Body text", ["ada@example.org"], what="a test")
    finally:
        server.stop()

    [(sender, to, content)] = inbox.messages
    assert sender == "console@example.org" and to == ["ada@example.org"]
    assert "Subject: Hello" in content and "Body text" in content
    assert inbox.logins == ["console"]


def test_a_mail_server_that_is_down_is_tried_again_with_growing_waits_until_it_answers(
    inbox,
    settings,
    start_worker,  # noqa: F811 (a fixture)
    bulk_queue,  # noqa: F811 (a fixture)
    caplog,
):
    port, smtp = mail_server_down(settings, bulk_queue)
    worker = start_worker(
        "mail", MAIL_QUEUE=bulk_queue, MAIL_RETRY_FIRST_WAIT="1", MAIL_RETRY_TRIES="10", **smtp
    )

    assert not mail.send_with_retry("Later", "Still here", ["ada@example.org"], what="a retry")

    assert "could not email a retry now (ConnectionRefusedError)" in caplog.text
    wait_until(lambda: "(try 3 of 10); again in 4 s" in worker.log.read_text(), 60, step=0.2)
    assert "(try 2 of 10); again in 2 s" in worker.log.read_text()
    server = smtp_server(port, inbox)
    try:
        wait_until(lambda: inbox.messages, 60, step=0.2)
    finally:
        server.stop()
    [(_, to, content)] = inbox.messages
    assert to == ["ada@example.org"] and "Still here" in content
    assert "emailed a retry after" in worker.log.read_text()


def test_a_mail_server_that_never_answers_is_given_up_on_loudly(
    settings,
    start_worker,  # noqa: F811 (a fixture)
    bulk_queue,  # noqa: F811 (fixtures)
):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.MAIL_QUEUE = bulk_queue
    settings.MAIL_RETRY_FIRST_WAIT = 1
    worker = start_worker(
        "mail-down", MAIL_QUEUE=bulk_queue, MAIL_RETRY_FIRST_WAIT="1", MAIL_RETRY_TRIES="3",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_TIMEOUT="2",
    )  # fmt: skip

    assert not mail.send_with_retry("Never", "Lost?", ["ada@example.org"], what="a lost one")

    wait_until(
        lambda: (
            "ERROR" in (log := worker.log.read_text())
            and "gave up emailing a lost one to ada@example.org after 3 tries" in log
        ),
        60,
        step=0.2,
    )
