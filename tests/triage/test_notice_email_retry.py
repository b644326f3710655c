"""A notice emailed while the mail server is down is not lost and not sent twice: it is handed
to a worker that tries again (core.mail.send_with_retry), later sweeps leave it alone, and it
arrives once, with a one-line subject, when the server answers."""

import pytest
from django.contrib.auth import get_user_model

from tests.bulk.conftest import bulk_queue, start_worker, wait_until  # noqa: F401 (fixtures)
from tests.core.test_mail import Inbox, mail_server_down, smtp_server
from workflows_app.models import CivisAccount, Notification, NotificationSettings
from workflows_app.notifications import email

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_notice_emailed_while_the_mail_server_is_down_arrives_once_when_it_is_back(
    settings,
    start_worker,  # noqa: F811 (a fixture)
    bulk_queue,  # noqa: F811 (a fixture)
):
    port, smtp = mail_server_down(settings, bulk_queue)
    start_worker("notice-mail", MAIL_QUEUE=bulk_queue, MAIL_RETRY_FIRST_WAIT="1", **smtp)
    user = get_user_model().objects.create(username="notice-mail")
    account = CivisAccount.objects.create(
        user=user, civis_user_id=990_001, name="Ada", email="ada@example.org"
    )
    NotificationSettings.objects.create(
        account=account, email=NotificationSettings.Email.IMMEDIATELY
    )
    notice = Notification.objects.create(
        user=user,
        text="Nightly load\nfailed",  # a name from the platform may hold a line break
        link="/workflows/1/",
        reason=Notification.Reason.FAILED,
    )

    assert email.deliver(notice)  # handed to the worker: the server refused it
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert not email.deliver(notice)  # a later sweep does not send it again

    inbox = Inbox()
    server = smtp_server(port, inbox)
    try:
        wait_until(lambda: inbox.messages, 60, step=0.2)
    finally:
        server.stop()
    [(_, to, content)] = inbox.messages
    assert to == ["ada@example.org"]
    assert "Subject: Workflows Console: Nightly load failed\r\n" in content
