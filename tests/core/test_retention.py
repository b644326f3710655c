"""Retention: beat prunes expired sessions, read notifications, the items of bulk jobs that ended
and index rows past their settings, in batches; the audit log stays unless a setting says."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from workflows_app.core import retention
from workflows_app.core.tasks import prune_task
from workflows_app.models import AuditEntry, CivisAccount
from workflows_app.models.bulk import BulkItem, BulkJob, Notification
from workflows_app.models.runs import IndexedExecution

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days: float):
    return NOW - timedelta(days=days)


@pytest.fixture
def rows():
    user = get_user_model().objects.create(username="civis-7701")
    account = CivisAccount.objects.create(user=user, civis_user_id=7701, name="Ada")
    for n, expires in enumerate([days_ago(1), days_ago(2), NOW + timedelta(hours=1)]):
        Session.objects.create(session_key=f"s{n}", session_data="", expire_date=expires)
    for n, read in enumerate([days_ago(91), days_ago(92), days_ago(89), None]):
        note = Notification.objects.create(user=user, text=f"note {n}", read_at=read)
        Notification.objects.filter(pk=note.pk).update(created_at=days_ago(200))
    old_job, new_job, running = (
        BulkJob.objects.create(
            kind="transfer", started_by=user, title=title, state=state, finished_at=finished
        )  # fmt: skip
        for title, state, finished in [
            ("old", BulkJob.State.FINISHED, days_ago(91)),
            ("new", BulkJob.State.CANCELLED, days_ago(10)),
            ("running", BulkJob.State.RUNNING, None),
        ]
    )
    for job in (old_job, new_job, running):
        for n in range(5):
            BulkItem.objects.create(job=job, workflow_id=n, workflow_name=f"w{n}", state="done")
    for n, created in enumerate([days_ago(31), days_ago(40), days_ago(29)]):
        IndexedExecution.objects.create(
            account=account, workflow_id=1, execution_id=n, created_at=created
        )
    for n in range(3):
        entry = AuditEntry.objects.create(action="transfer", outcome="succeeded", detail=str(n))
        AuditEntry.objects.filter(pk=entry.pk).update(at=days_ago(3650))
    return old_job, new_job, running


def test_beat_prunes_every_hour_by_default():
    entry = django_settings.CELERY_BEAT_SCHEDULE["prune-retention"]
    assert entry == {"task": "retention.prune", "schedule": 3600}


def test_prune_deletes_what_has_outlived_its_retention_in_batches(rows, settings):
    old_job, new_job, running = rows
    settings.RETENTION_BATCH_SIZE = 2  # five items of the old job: three batches

    assert prune_task() == {
        "sessions": 2,
        "notifications": 2,
        "bulk_items": 5,
        "index_rows": 2,
    }

    assert list(Session.objects.values_list("session_key", flat=True)) == ["s2"]
    assert sorted(Notification.objects.values_list("text", flat=True)) == ["note 2", "note 3"]
    assert not BulkItem.objects.filter(job=old_job).exists()
    assert BulkItem.objects.filter(job=new_job).count() == 5
    assert BulkItem.objects.filter(job=running).count() == 5
    assert BulkJob.objects.count() == 3  # the jobs and their counts stay
    assert list(IndexedExecution.objects.values_list("execution_id", flat=True)) == [2]
    assert AuditEntry.objects.count() == 3  # kept for ever by default
    assert retention.prune() == {
        "sessions": 0, "notifications": 0, "bulk_items": 0, "index_rows": 0,
    }  # fmt: skip


def test_the_audit_log_and_other_kinds_follow_their_settings(rows, settings):
    settings.RETAIN_AUDIT_DAYS = 365
    settings.RETAIN_READ_NOTIFICATIONS_DAYS = 0  # for ever
    settings.RETAIN_INDEX_DAYS = 35

    pruned = retention.prune()

    assert pruned["audit"] == 3 and not AuditEntry.objects.exists()
    assert "notifications" not in pruned and Notification.objects.count() == 4
    assert pruned["index_rows"] == 1
