"""Who may act on a run, and what each action does upstream and in the audit log."""

import re

import pytest

from workflows_app.models import AuditEntry

from .conftest import TIMES_OUT, sign_in, wait_for

pytestmark = pytest.mark.django_db


def page_url(execution) -> str:
    return f"/workflows/{execution.workflow_id}/executions/{execution.id}/"


def test_someone_who_can_only_view_sees_no_actions_and_the_platform_refuses(client, owner, viewer):
    execution = owner.failed()
    owner.api.put_shares_users(execution.workflow_id, [viewer.person.id], "read")
    sign_in(client, viewer.key)

    html = client.get(page_url(execution)).content.decode()
    assert "What went wrong" in html
    for label in ("Retry failed tasks", "Retry this task", "Run again", "Cancel this run"):
        assert label not in html

    confirm = client.get(page_url(execution) + "retry/").content.decode()
    assert "You can't do this now" in confirm and "Yes, retry" not in confirm

    refused = client.post(page_url(execution) + "retry/")
    assert refused.status_code == 403
    entry = AuditEntry.objects.get(action="post_executions_retry")
    assert entry.outcome == AuditEntry.Outcome.FAILED and entry.upstream_status == 403
    assert owner.read(execution).state == "failed"


def test_retry_one_task_by_name(owner_client, owner):
    execution = owner.failed(seconds=5)
    answer = owner_client.post(
        page_url(execution) + "retry/",
        {"task_name": "wait_for_vendor"},
        headers={"HX-Request": "true"},
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and 'id="execution-live"' in html
    assert "Task wait_for_vendor is running again." in html  # the toast, out of band
    assert 'hx-swap-oob="true"' in html
    assert "Running" in html and 'hx-trigger="every 3s"' in html
    assert len(owner.read(execution).tasks[0].runs) == 0  # std actions start no job runs
    entry = AuditEntry.objects.get(action="post_executions_retry")
    assert "task wait_for_vendor" in entry.detail


def test_run_again_starts_a_new_run_with_the_same_input(owner_client, owner):
    definition = TIMES_OUT.format(seconds=1).replace(
        "  type: direct\n", "  type: direct\n  input:\n    - state\n"
    )
    workflow = owner.workflow("Vendor wait with input", definition)
    first = owner.api.post_executions(workflow.id, input={"state": "IA"})
    first = wait_for(lambda: owner.read(first), lambda e: e.is_terminal)

    answer = owner_client.post(page_url(first) + "run-again/")
    assert answer.status_code == 302
    new_id = int(re.search(r"/executions/(\d+)/$", answer["Location"]).group(1))
    assert new_id != first.id
    again = owner.api.get_executions(workflow.id, new_id)
    assert dict(again.input) == {"state": "IA"}
    entry = AuditEntry.objects.get(
        action="post_executions", detail__icontains=f"the run is no. {new_id}"
    )
    assert entry.actor_civis_id == owner.person.id


def test_resume_is_offered_only_while_paused(owner_client, owner):
    execution = owner.paused()
    html = owner_client.get(page_url(execution)).content.decode()
    assert "Resume this run" in html and "Cancel this run" in html
    assert "Paused: waiting for someone to resume it" in html
    assert "The workflow pauses before this task until someone resumes it." in html
    owner_client.post(page_url(execution) + "resume/")
    done = wait_for(lambda: owner.read(execution), lambda e: e.is_terminal)
    assert done.state == "succeeded"
    html = owner_client.get(page_url(execution)).content.decode()
    assert "Resume this run" not in html and "Run again" in html


def test_names_and_input_from_upstream_are_shown_as_text(owner_client, owner):
    definition = TIMES_OUT.format(seconds=1).replace(
        "  type: direct\n", "  type: direct\n  input:\n    - note\n"
    )
    workflow = owner.workflow("<script>alert('owned')</script> load", definition)
    execution = owner.api.post_executions(workflow.id, input={"note": "<img src=x onerror=1>"})
    html = owner_client.get(page_url(execution)).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt; load" in html
    assert "&lt;img src=x onerror=1&gt;" in html


def test_an_action_the_platform_refuses_says_so_and_changes_nothing(owner_client, owner):
    execution = owner.running()
    answer = owner_client.post(page_url(execution) + "retry/", follow=True)
    html = answer.content.decode()
    assert "The platform did not accept that" in html
    assert owner.read(execution).state == "running"
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_unknown_actions_do_not_exist(owner_client, owner):
    execution = owner.running()
    assert owner_client.post(page_url(execution) + "delete/").status_code == 404
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_run_again_from_the_dialog_sends_the_browser_to_the_new_run(owner_client, owner):
    first = owner.failed()
    answer = owner_client.post(page_url(first) + "run-again/", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    target = answer["HX-Redirect"]
    new_id = int(re.search(r"/executions/(\d+)/$", target).group(1))
    assert new_id != first.id and target == f"/workflows/{first.workflow_id}/executions/{new_id}/"
