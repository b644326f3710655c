"""Fan-in: fifty people watching one workflow cause one upstream read per interval; a person
whose share was removed is told nothing more about it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore

from workflows_app.core import crypto
from workflows_app.models import CivisAccount, Notification, SessionKey, TrackedWorkflow, Watch
from workflows_app.triage import engine

from .conftest import ONE_JOB, beat, run_and_wait, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_watchers(count: int, key: str, workflow_id: int) -> list[CivisAccount]:
    """`count` people signed in now (live sessions with a stored key), all watching."""
    made = []
    for n in range(count):
        user = get_user_model().objects.create(username=f"watcher-{n}")
        account = CivisAccount.objects.create(
            user=user, civis_user_id=900_000 + n, name=f"Watcher {n}"
        )
        session = SessionStore()
        session.create()
        SessionKey.objects.create(
            session_key=session.session_key, user=user, encrypted_key=crypto.encrypt(key)
        )
        Watch.objects.create(account=account, workflow_id=workflow_id, mode="failures")
        made.append(account)
    return made


def test_fifty_watchers_one_read_per_interval(actor, console_calls, settings):
    owner = actor("aokafor")
    workflow = owner.api.post_workflow("Watched by fifty", definition=ONE_JOB)
    signed_in_watchers(50, owner.key, workflow.id)
    reads = lambda: [  # noqa: E731
        call for call in console_calls if call == ("GET", f"/workflows/{workflow.id}/executions")
    ]
    assert engine.refresh_due() == 1
    assert len(reads()) == 1
    # Beat ticks again and again within the interval: nothing more is read.
    for _ in range(5):
        engine.refresh_due()
    assert len(reads()) == 1
    tracked = TrackedWorkflow.objects.get(workflow_id=workflow.id)
    assert tracked.reads == 1
    assert (tracked.next_read_at - tracked.read_at).total_seconds() == pytest.approx(
        settings.TRIAGE_REFRESH_SECONDS, abs=1
    )
    # The next interval: one more read.
    beat()
    assert len(reads()) == 2


def test_a_person_whose_share_was_removed_is_told_nothing_more(
    actor, signed_in_as, levers, mailoutbox
):
    owner, colleague = actor("aokafor"), actor("blindqvist")
    workflow = owner.api.post_workflow("Shared, then not", definition=ONE_JOB)
    owner.api.put_shares_users(workflow.id, [colleague.person.id], "read")
    owner_client, colleague_client = signed_in_as(owner), signed_in_as(colleague)
    for client in (owner_client, colleague_client):
        answer = client.post(f"/workflows/{workflow.id}/watch/", {"mode": "failures"})
        assert answer.status_code == 302
    beat()
    levers.fail(workflow.id)
    run_and_wait(owner, workflow.id)
    beat()
    told = list(Notification.objects.filter(workflow_id=workflow.id, reason="failed"))
    assert sorted(n.user.civis.civis_user_id for n in told) == sorted(
        [owner.person.id, colleague.person.id]
    )

    owner.api.delete_shares_users(workflow.id, colleague.person.id)
    levers.succeed(workflow.id)
    run_and_wait(owner, workflow.id)  # recovers
    levers.fail(workflow.id)
    run_and_wait(owner, workflow.id)  # fails again: a new episode
    beat()
    beat()
    after = Notification.objects.filter(workflow_id=workflow.id).exclude(
        id__in=[n.id for n in told]
    )
    assert {n.user.civis.civis_user_id for n in after} == {owner.person.id}
    assert {n.reason for n in after} >= {"failed"}
    watch = Watch.objects.get(account__civis_user_id=colleague.person.id, workflow_id=workflow.id)
    assert watch.access_lost_at is not None
    # Their front page shows nothing about it either.
    colleague_client.get("/notifications/")  # shows (and so clears) the "Watching ..." message
    assert "Shared, then not" not in colleague_client.get("/").content.decode()


def test_the_beat_task_reads_on_a_real_worker(actor, celery_worker):
    """Beat sends `triage.refresh` by name: a real worker knows it and reads the workflow."""
    from workflows_app.triage.tasks import refresh

    owner = actor("aokafor")
    workflow = owner.api.post_workflow("Read by a worker", definition=ONE_JOB)
    signed_in_watchers(1, owner.key, workflow.id)
    refresh.delay()  # as beat sends it (no result is kept)
    wait_for(
        lambda: TrackedWorkflow.objects.filter(workflow_id=workflow.id, reads=1).exists(),
        bool,
        seconds=60,
    )
