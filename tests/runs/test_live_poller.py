"""The live poller: one lock per execution, growing intervals, a stop at terminal states, and
messages that carry references, never keys. Upstream is the live civis_local; the cache is
the real Redis the test run starts."""

import json
import threading

import pytest
from celery.signals import before_task_publish
from django.core.cache import cache

from workflows_app.models import SessionKey
from workflows_app.runs import live_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(monkeypatch):
    """Record the steps the poller would schedule instead of sending them to a worker."""
    calls = []
    monkeypatch.setattr(live_status, "_schedule", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def session_key_id(owner_client):
    return SessionKey.objects.get(session_key=owner_client.session.session_key).pk


def forget(execution_id: int) -> None:
    keys = (live_status.lock_key, live_status.interval_key, live_status.snapshot_key)
    for key in (*keys, live_status.watch_key):
        cache.delete(key(execution_id))
    cache.delete(live_status.steps_key(execution_id))


def test_twenty_watchers_start_one_poller(owner, session_key_id, scheduled):
    execution = owner.running()
    forget(execution.id)
    started = []
    barrier = threading.Barrier(20)

    def watch():
        barrier.wait()
        started.append(
            live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
        )

    threads = [threading.Thread(target=watch) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert started.count(True) == 1 and len(started) == 20
    assert len(scheduled) == 1
    token = live_status.poller_token(execution.id)
    assert scheduled[0] == (execution.workflow_id, execution.id, session_key_id, token, 1.0)
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_interval_grows_from_one_second_to_fifteen():
    intervals = [live_status.next_interval(None)]
    while intervals[-1] < live_status.MAX_INTERVAL:
        intervals.append(live_status.next_interval(intervals[-1]))
    assert intervals[:4] == [1.0, 1.2, 1.44, 1.728]
    assert intervals[-1] == 15.0 and len(intervals) == 16
    assert live_status.next_interval(15.0) == 15.0


def test_steps_on_a_running_execution_wait_longer_each_time(owner, session_key_id, scheduled):
    execution = owner.running()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    token = live_status.poller_token(execution.id)
    waits = [
        live_status.poll_step(execution.workflow_id, execution.id, session_key_id, token)
        for _ in range(4)
    ]
    assert waits == [1.2, 1.44, 1.728, 2.074]
    snapshot = live_status.read_snapshot(execution.id)
    assert snapshot.execution.state == "running"
    assert live_status.steps_taken(execution.id) == 4
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_poller_stops_and_frees_the_lock_at_a_terminal_state(owner, session_key_id, scheduled):
    execution = owner.running()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    token = live_status.poller_token(execution.id)
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)

    live_status.run_step(execution.workflow_id, execution.id, session_key_id, token)

    assert len(scheduled) == 1  # only the first step; run_step scheduled nothing more
    assert live_status.poller_token(execution.id) is None
    assert live_status.read_snapshot(execution.id).execution.state == "cancelled"


def test_a_newer_poller_supersedes_the_old_one(owner, session_key_id, scheduled):
    execution = owner.running()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    old = live_status.poller_token(execution.id)
    live_status.restart_poller(execution.workflow_id, execution.id, session_key_id)
    new = live_status.poller_token(execution.id)
    assert new != old
    assert live_status.poll_step(execution.workflow_id, execution.id, session_key_id, old) is None
    assert live_status.poll_step(execution.workflow_id, execution.id, session_key_id, new) == 1.2
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_poller_stops_when_nobody_watches_any_more(owner, session_key_id, scheduled):
    execution = owner.paused()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    token = live_status.poller_token(execution.id)
    assert live_status.poll_step(execution.workflow_id, execution.id, session_key_id, token)
    cache.delete(live_status.watch_key(execution.id))  # as if WATCH_SECONDS went by unwatched
    step = live_status.poll_step(execution.workflow_id, execution.id, session_key_id, token)
    assert step is None and live_status.poller_token(execution.id) is None
    assert live_status.steps_taken(execution.id) == 1  # the platform was not asked again
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_poller_stops_when_the_person_signs_out(owner, owner_client, session_key_id, scheduled):
    execution = owner.running()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    token = live_status.poller_token(execution.id)
    owner_client.post("/sign-out/")
    assert not SessionKey.objects.filter(pk=session_key_id).exists()
    step = live_status.poll_step(execution.workflow_id, execution.id, session_key_id, token)
    assert step is None and live_status.poller_token(execution.id) is None
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_the_celery_message_names_the_session_key_row_not_the_key(owner, session_key_id):
    """Capture what Celery really publishes (body and headers) for a poller step."""
    published = []

    def capture(sender=None, body=None, headers=None, **kwargs):
        if sender == "executions.poll":
            published.append(json.dumps({"body": body, "headers": headers}, default=str))

    execution = owner.running()
    forget(execution.id)
    # Strongly held: Celery's task sender keeps the receivers list it found first, and a weak
    # receiver that dies makes the signal swap that list for a new one, so every later
    # test's receivers (test_the_key_never_leaves_the_server's) would never be called.
    before_task_publish.connect(capture, weak=False)
    try:
        live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    finally:
        before_task_publish.disconnect(capture)
    assert len(published) == 1
    message = published[0]
    assert owner.key not in message
    stored = SessionKey.objects.get(pk=session_key_id).encrypted_key
    assert stored not in message
    args = json.loads(message)["body"][0]
    assert args[:3] == [execution.workflow_id, execution.id, session_key_id]
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)
    forget(execution.id)


@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_watchers_share_one_chain_that_stops_at_the_end(
    client, owner, celery_worker, console_calls
):
    import time

    from django.test import Client

    from .conftest import sign_in

    execution = owner.running()
    forget(execution.id)
    url = f"/workflows/{execution.workflow_id}/executions/{execution.id}/"
    watchers = [sign_in(Client(), owner.key) for _ in range(3)]
    console_calls.clear()
    for watcher in watchers:
        watcher.get(url, headers={"HX-Request": "true"})
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        for watcher in watchers:
            watcher.get(url, headers={"HX-Request": "true"})
        time.sleep(0.5)
    steps = live_status.steps_taken(execution.id)
    read = ("GET", f"/workflows/{execution.workflow_id}/executions/{execution.id}")
    assert steps >= 3  # 1 s, 1.2 s, 1.44 s, ... within 6 s (the worker's reads)
    assert console_calls.count(read) <= 1  # watchers: the first fragment may read once
    assert live_status.poller_token(execution.id) is not None

    owner.api.post_executions_cancel(execution.workflow_id, execution.id)
    deadline = time.monotonic() + 20
    while live_status.poller_token(execution.id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert live_status.poller_token(execution.id) is None
    assert live_status.read_snapshot(execution.id).execution.state == "cancelled"
    final = watchers[0].get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Cancelled" in final and "hx-trigger" not in final


def test_a_long_retry_after_is_capped_below_the_visibility_timeout(
    owner, session_key_id, scheduled, local_api
):
    """A 429 asking for two hours must not become a two-hour countdown: the broker would
    redeliver the step after its 1 h visibility timeout and two chains would run."""
    import requests

    execution = owner.running()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    token = live_status.poller_token(execution.id)
    config = local_api.url + "_local/config"
    requests.post(config, json={"rate_limit": "0/7200"}, timeout=5).raise_for_status()
    try:
        wait = live_status.poll_step(execution.workflow_id, execution.id, session_key_id, token)
    finally:
        requests.post(config, json={"rate_limit": None}, timeout=5).raise_for_status()
    assert wait == live_status.MAX_WAIT == 300
    assert live_status.poller_token(execution.id) == token  # still ours, kept for the wait
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)
    forget(execution.id)


def test_releasing_never_deletes_a_token_set_between_read_and_delete(
    owner, session_key_id, scheduled, monkeypatch
):
    """`restart_poller` may replace the token at any moment. Simulate it landing after the old
    chain's step read the lock and before it releases it (its person signed out meanwhile):
    the release must leave the new token there."""
    execution = owner.running()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    old = live_status.poller_token(execution.id)
    replaced = []

    def restart_then_nobody(session_key_id):
        live_status.restart_poller(execution.workflow_id, execution.id, session_key_id)
        replaced.append(live_status.poller_token(execution.id))
        return None  # nobody to act as: the old chain releases the lock and stops

    monkeypatch.setattr(live_status, "client_for_session_key", restart_then_nobody)
    step = live_status.poll_step(execution.workflow_id, execution.id, session_key_id, old)
    monkeypatch.undo()
    assert step is None and replaced and replaced[0] != old
    assert live_status.poller_token(execution.id) == replaced[0]

    new = live_status.poller_token(execution.id) or old
    live_status.restart_poller(execution.workflow_id, execution.id, session_key_id)
    fresh = live_status.poller_token(execution.id)
    live_status._release(execution.id, new)  # a stale token frees nothing
    assert live_status.poller_token(execution.id) == fresh
    live_status._release(execution.id, fresh)
    assert live_status.poller_token(execution.id) is None
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_poller_stops_when_the_session_expired(owner, owner_client, session_key_id, scheduled):
    """An idle session times out without a sign-out: its SessionKey row may still be there,
    but nothing may act with that key any more."""
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from workflows_app.models import CivisAccount
    from workflows_app.runs import tasks as tasks_executions

    execution = owner.running()
    forget(execution.id)
    live_status.ensure_poller(execution.workflow_id, execution.id, session_key_id)
    token = live_status.poller_token(execution.id)
    Session.objects.filter(session_key=owner_client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert SessionKey.objects.filter(pk=session_key_id).exists()
    step = live_status.poll_step(execution.workflow_id, execution.id, session_key_id, token)
    assert step is None and live_status.poller_token(execution.id) is None
    assert live_status.steps_taken(execution.id) == 0  # the platform was not asked
    account = CivisAccount.objects.get(civis_user_id=owner.person.id)
    assert tasks_executions.sweep_person(account.id, session_key_id) == 0
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)
