"""The list tells a paused workflow from a running one without asking each time (issue 13,
item 8; issue 4's one call per list page): what a running workflow's newest runs said is kept
for a short while for everyone, and whatever the console itself does to a run, or reads of it
on the workflow's page, replaces it at once."""

import re

import pytest

from tests.helpers import sign_in, wait_for
from workflows_app.words.states import PAUSED

pytestmark = pytest.mark.django_db

PAUSES_THEN_KEEPS_GOING = """version: '2.0'
approval_then_listen:
  type: direct
  tasks:
    approve:
      action: std.noop
      pause-before: true
      on-success:
        - listen_for_changes
    listen_for_changes:
      action: std.async_noop
"""


@pytest.fixture
def owner(actor, client):
    who = actor("aokafor")
    sign_in(client, who.key)
    return who


@pytest.fixture
def paused_run(owner):
    """(workflow, execution) of a fresh workflow whose run waits for someone to resume it;
    cancelled afterwards."""
    workflow = owner.api.post_workflow("Paused list check", definition=PAUSES_THEN_KEEPS_GOING)
    execution = owner.api.post_executions(workflow.id)
    wait_for(
        lambda: owner.api.get_executions(workflow.id, execution.id),
        lambda e: e.mistral_state == "paused",
    )
    yield workflow, execution
    owner.api.post_executions_cancel(workflow.id, execution.id)


@pytest.fixture
def kept_long(monkeypatch):
    """Verdicts kept ten minutes: what a test checks happens at once, not by expiry, however
    slow the machine is."""
    from workflows_app.workflows import listing

    monkeypatch.setattr(listing, "PAUSED_SECONDS", 600)


MINE_NEWEST = "/workflows/?owner=mine&sort=updated&dir=desc&per_page=50"


def last_run_cell(client, workflow_id: int) -> str:
    html = client.get(MINE_NEWEST).content.decode()
    row = re.search(rf'<tr>\s*<td[^>]*>\s*<a href="/workflows/{workflow_id}/">.*?</tr>', html, re.S)
    assert row, f"workflow {workflow_id} is not on the page"
    return re.search(r'data-label="Last run">(.*?)</td>', row.group(0), re.S).group(1)


def test_the_same_page_again_is_one_call(client, owner, paused_run, console_calls, kept_long):
    workflow, _ = paused_run
    assert PAUSED.label in last_run_cell(client, workflow.id)
    console_calls.clear()
    assert PAUSED.label in last_run_cell(client, workflow.id)
    assert console_calls == [("GET", "/workflows")]


def test_a_resume_through_the_console_shows_at_once(client, owner, paused_run, kept_long):
    workflow, execution = paused_run
    assert PAUSED.label in last_run_cell(client, workflow.id)
    answer = client.post(f"/workflows/{workflow.id}/executions/{execution.id}/resume/")
    assert answer.status_code == 302
    wait_for(
        lambda: owner.api.get_executions(workflow.id, execution.id),
        lambda e: e.mistral_state == "running",
    )
    assert PAUSED.label not in last_run_cell(client, workflow.id)


def test_the_workflows_page_refreshes_what_the_list_says(client, owner, paused_run, kept_long):
    """Resumed elsewhere (here: upstream directly): the workflow's own page reads its newest
    runs anyway, and the list says what that page said."""
    workflow, execution = paused_run
    assert PAUSED.label in last_run_cell(client, workflow.id)
    owner.api.post_executions_resume(workflow.id, execution.id)
    wait_for(
        lambda: owner.api.get_executions(workflow.id, execution.id),
        lambda e: e.mistral_state == "running",
    )
    assert client.get(f"/workflows/{workflow.id}/").status_code == 200
    assert PAUSED.label not in last_run_cell(client, workflow.id)


def test_a_watched_workflows_background_read_tells_the_list(
    client, owner, paused_run, console_calls, kept_long
):
    """The triage engine reads a watched workflow's newest runs anyway (as beat runs it): the
    list takes its verdict from that read and does not ask that workflow for its runs."""
    from tests.triage.conftest import beat
    from workflows_app.models import CivisAccount
    from workflows_app.triage import watch as watching

    workflow, execution = paused_run
    account = CivisAccount.objects.get(civis_user_id=owner.person.id)
    watching.set_mode(account, workflow.id, "failures", name=workflow.name, level="manage")
    assert beat() >= 1
    console_calls.clear()
    assert PAUSED.label in last_run_cell(client, workflow.id)
    assert ("GET", f"/workflows/{workflow.id}/executions") not in console_calls
    # Resumed outside the console: the next background read replaces the verdict.
    owner.api.post_executions_resume(workflow.id, execution.id)
    wait_for(
        lambda: owner.api.get_executions(workflow.id, execution.id),
        lambda e: e.mistral_state == "running",
    )
    beat()
    console_calls.clear()
    assert PAUSED.label not in last_run_cell(client, workflow.id)
    assert ("GET", f"/workflows/{workflow.id}/executions") not in console_calls


def test_a_background_read_from_before_a_resume_does_not_bring_paused_back(
    client, owner, paused_run, console_calls, kept_long
):
    """The engine read the runs, then the person resumed through the console, then the engine
    got round to keeping what it read: the list must not say 'paused' again."""
    from django.utils import timezone

    from workflows_app.models import CivisAccount, TrackedWorkflow
    from workflows_app.triage import engine
    from workflows_app.triage import watch as watching

    workflow, execution = paused_run
    account = CivisAccount.objects.get(civis_user_id=owner.person.id)
    watching.set_mode(account, workflow.id, "failures", name=workflow.name, level="manage")
    tracked = TrackedWorkflow.objects.get(workflow_id=workflow.id)
    reading = engine._read(engine.Reading(tracked, account.id, owner.api), timezone.now())
    assert client.post(f"/workflows/{workflow.id}/executions/{execution.id}/resume/").status_code
    wait_for(
        lambda: owner.api.get_executions(workflow.id, execution.id),
        lambda e: e.mistral_state == "running",
    )
    engine._feed_list(reading)
    console_calls.clear()
    assert PAUSED.label not in last_run_cell(client, workflow.id)
    assert ("GET", f"/workflows/{workflow.id}/executions") in console_calls  # asked afresh


def test_a_background_read_is_kept_only_for_what_is_left_of_its_time():
    import time

    from workflows_app.core import caching
    from workflows_app.workflows import listing

    endpoint, live = "http://paused.example/", ()
    listing.remember_paused(endpoint, 1, "running", live, read_at=time.time() - 60)
    assert caching.get(listing._paused_key(endpoint, 1)) is None  # older than PAUSED_SECONDS
    listing.remember_paused(endpoint, 2, "running", live, read_at=time.time() - 5)
    assert caching.get(listing._paused_key(endpoint, 2)) is False
