"""Notifications (issue #12): the inbox row in the caller's transaction, the e-mail after the
commit through a real SMTP server on loopback (aiosmtpd), none after a rollback, a failed send
retried."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.test import Client, TestCase

from gaoxin.common import notifications
from gaoxin.common.models import Notification

pytestmark = pytest.mark.django_db


class Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings):
    handler = Collect()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    yield handler
    controller.stop()


def _subject(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


def test_a_message_reaches_the_smtp_server_after_commit(smtp, make_user):
    officer = make_user("reviewer", email="officer@example.test")
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks, transaction.atomic():
        notifications.notify(
            recipients=[officer],
            subject="新诉求待处理",
            body="请在 2 个工作日内受理。",
            link="/inbox/",
        )
        assert smtp.messages == []  # nothing before the commit
    assert len(callbacks) == 1
    assert len(smtp.messages) == 1
    recipients, raw = smtp.messages[0]
    assert recipients == ["officer@example.test"] and _subject(raw) == "新诉求待处理"
    row = Notification.objects.get(recipient=officer)
    assert row.email_status == Notification.EMAIL_SENT and row.email_attempts == 1


def test_nothing_is_sent_after_a_rollback(smtp, make_user):
    officer = make_user("reviewer", email="officer@example.test")
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notifications.notify(recipients=[officer], subject="不会发送")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == [] and smtp.messages == []
    assert not Notification.objects.filter(recipient=officer).exists()


def test_a_failed_send_is_marked_and_retried(settings, make_user, smtp):
    officer = make_user("reviewer", email="officer@example.test")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nobody listens there
    with TestCase.captureOnCommitCallbacks(execute=True):
        notifications.notify(recipients=[officer], subject="重试")
    row = Notification.objects.get(recipient=officer)
    assert row.email_status == Notification.EMAIL_FAILED and row.email_error
    settings.EMAIL_PORT = port
    assert notifications.retry_failed() == 1
    row.refresh_from_db()
    assert row.email_status == Notification.EMAIL_SENT and row.email_attempts == 2
    assert len(smtp.messages) == 1


def test_the_inbox_shows_and_marks_messages(make_user):
    user = make_user("applicant")
    notifications.notify(recipients=[user], subject="您的登记已受理", email=False)
    client = Client()
    client.force_login(user)
    home = client.get("/accounts/me/").content.decode()
    assert "(1)" in home  # the unread count in the navigation
    page = client.get("/inbox/").content.decode()
    assert "您的登记已受理" in page
    client.post("/inbox/read/")
    assert notifications.unread_count(user) == 0
    assert Client().get("/inbox/").status_code == 302  # visitors log in first
