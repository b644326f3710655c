"""The bulk summary email survives a name with a line break and a mail outage (issue 10,
item 17): the subject is one line, and the job is marked sent once the email went or a worker
has it to try again (core/mail.py)."""

import json
import socket
import uuid
from datetime import timedelta

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from workflows_app.bulk import notify
from workflows_app.models import CivisAccount
from workflows_app.models.bulk import BulkJob, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_job():
    user = get_user_model().objects.create(username="civis-9901")
    CivisAccount.objects.create(user=user, civis_user_id=9901, name="Ada", email="ada@example.org")
    return BulkJob.objects.create(
        kind="transfer",
        started_by=user,
        title="Move Marcus\nWebb's workflows to Ada",
        state=BulkJob.State.FINISHED,
        finished_at=timezone.now(),
    )


def test_a_title_with_a_line_break_is_emailed_on_one_line(finished_job, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert notify.send_summary(finished_job.id)

    (sent,) = mail.outbox
    assert "\n" not in sent.subject and "Marcus Webb's workflows" in sent.subject
    finished_job.refresh_from_db()
    assert finished_job.summary_sent_at is not None
    assert not notify.send_summary(finished_job.id)  # once
    assert len(mail.outbox) == 1


def test_a_mail_outage_hands_the_summary_to_a_retrying_worker_and_notifies_once(
    finished_job, settings
):
    with socket.socket() as closed:  # a port nothing listens on: a real refused connection
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.MAIL_QUEUE = f"mail-test-{uuid.uuid4().hex[:8]}"  # no worker takes it
    queued = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert notify.send_summary(finished_job.id)  # not sent, but a worker has it

        assert queued.llen(settings.MAIL_QUEUE) == 1
        [message] = [json.loads(m) for m in queued.lrange(settings.MAIL_QUEUE, 0, -1)]
        assert message["headers"]["task"] == "mail.send"
    finally:
        queued.delete(settings.MAIL_QUEUE)
    finished_job.refresh_from_db()
    assert finished_job.summary_sent_at is not None
    assert not notify.send_summary(finished_job.id)  # handed over once, not again
    assert Notification.objects.filter(user=finished_job.started_by).count() == 1


def test_a_summary_that_can_never_be_sent_is_given_up_at_once_with_an_error(
    finished_job, settings, caplog
):
    """An address with a line break (the platform's data) is refused by Django every time:
    it is given up at the first try, not tried again on every sweep for ever."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CivisAccount.objects.filter(user=finished_job.started_by).update(
        email="ada@example.org\nBcc: eve@example.org"
    )

    with caplog.at_level("ERROR", logger="workflows_app.bulk.notify"):
        assert not notify.send_summary(finished_job.id)

    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert f"gave up emailing the summary of bulk job {finished_job.id}" in caplog.text
    assert "eve@example.org" not in caplog.text
    finished_job.refresh_from_db()
    assert finished_job.summary_sent_at is not None  # no sweep tries it again
    assert not notify.send_summary(finished_job.id) and mail.outbox == []
    assert Notification.objects.filter(user=finished_job.started_by).count() == 1


def test_a_summary_not_handed_over_is_tried_again_until_a_day_after_the_job_ended(
    finished_job, settings, monkeypatch, caplog
):
    """Neither sent nor handed to a mail worker (the broker is down too): the next sweep tries
    again, for a day after the job ended; then it gives up with an ERROR."""
    from kombu.exceptions import OperationalError

    from workflows_app.core import mail as core_mail

    def broker_down(*args, **kwargs):  # what apply_async raises when Redis does not answer
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(core_mail, "send_with_retry", broker_down)

    assert not notify.send_summary(finished_job.id)
    finished_job.refresh_from_db()
    assert finished_job.summary_sent_at is None  # the next sweep tries again
    assert "ERROR" not in [r.levelname for r in caplog.records if "gave up" in r.getMessage()]

    BulkJob.objects.filter(id=finished_job.id).update(
        finished_at=timezone.now() - notify.GIVE_UP_AFTER - timedelta(minutes=1)
    )
    caplog.clear()
    assert not notify.send_summary(finished_job.id)

    finished_job.refresh_from_db()
    assert finished_job.summary_sent_at is not None
    assert any(
        r.levelname == "ERROR" and "gave up emailing the summary" in r.getMessage()
        for r in caplog.records
    )
