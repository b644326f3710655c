"""The execution page and its live fragment, over live HTTP to civis_local."""

import re
from html import unescape

import pytest
from django.core.cache import cache

from workflows_app.models import AuditEntry
from workflows_app.runs import live_status

from .conftest import seeded_execution, sign_in

pytestmark = pytest.mark.django_db
POLL = {"X-Console-Poll": "1"}  # what the live region's refresh element sends


def page_url(execution) -> str:
    return f"/workflows/{execution.workflow_id}/executions/{execution.id}/"


def test_failed_execution_says_what_went_wrong_in_full(owner_client, owner):
    execution = owner.failed()
    response = owner_client.get(page_url(execution))
    html = response.content.decode()
    assert response.status_code == 200
    assert "What went wrong" in html
    assert "Failure caused by error in tasks: wait_for_vendor" in html
    assert "Task timed out [timeout(s)=1]" in html
    assert "It ran longer than its limit of 1 seconds" in html
    assert "Technical details" in html
    assert "Retry failed tasks" in html and "Retry this task" in html
    assert "Cancel this run" not in html
    assert 'hx-trigger="every' not in html  # finished: the browser does not poll


PLATFORM_SUMMARY = "One or more actions had failed."


def _job_cause(admin_api, task) -> str:
    """What the page should lead with: the first line of the task's newest job run's error,
    else of the last line its log wrote, as read straight from the local API."""
    newest = next(run for run in task.runs if run.job_id is not None)
    error = admin_api.get_job_run(newest.job_id, newest.id).error
    logged = [line.message for line in admin_api.list_job_run_logs(newest.job_id, newest.id)]
    return (error or [m for m in logged if m][-1]).strip().splitlines()[0]


def test_a_failed_run_leads_with_its_jobs_own_error_not_the_platforms_summary(
    client, admin_api, local_api
):
    """The walkthrough's run 2481: the platform says only "export_state: One or more actions
    had failed."; the job run says 'relation "staging.voters_2026" does not exist'. The
    headline and the red box say the job's error; the platform's text is folded away."""
    execution, task = seeded_execution(
        admin_api,
        lambda t: t.mistral_state_info == PLATFORM_SUMMARY and any(r.job_id for r in t.runs),
        state=["failed"],
    )
    cause = _job_cause(admin_api, task)
    sign_in(client, local_api.admin_key)
    html = client.get(page_url(execution)).content.decode()

    state = re.search(r'<div class="execution-state".*?</div>', html, re.S).group(0)
    assert f"Task {task.name} failed: {cause}" in unescape(state)
    assert PLATFORM_SUMMARY not in state
    section = re.search(r'<section class="what-went-wrong".*?</section>', html, re.S).group(0)
    folded = re.findall(r"<details.*?</details>", section, re.S)
    assert any(PLATFORM_SUMMARY in part for part in folded)  # kept, under Technical details
    unfolded = re.sub(r"<details.*?</details>", "", section, flags=re.S)
    assert PLATFORM_SUMMARY not in unfolded
    assert execution.mistral_state_info.splitlines()[0] not in unfolded  # no bold summary
    lead = re.search(r'<p class="failure__text[^"]*">(.*?)</p>', unfolded, re.S).group(1)
    assert unescape(lead) == cause


def test_a_tasks_job_runs_are_named_with_their_job_and_the_table_says_the_real_cause(
    client, admin_api, local_api
):
    """Walkthrough screenshot 06: "job 110, run 4806" next to "Run 2481", and the tasks table's
    hint the platform's "One or more actions had failed.". A job's run is named with its job
    ("Job 110 (its run 4806)") in the tasks table, "What went wrong" and the timeline's table;
    the tasks table says the job's own error, as the headline does."""
    execution, task = seeded_execution(
        admin_api,
        lambda t: t.mistral_state_info == PLATFORM_SUMMARY and len(t.runs) > 1,
        state=["failed"],
    )
    newest = next(run for run in task.runs if run.job_id is not None)
    cause = _job_cause(admin_api, task)
    sign_in(client, local_api.admin_key)
    html = unescape(client.get(page_url(execution)).content.decode())

    table = re.search(r'<table class="table task-table">.*?</table>', html, re.S).group(0)
    row = re.search(
        rf"<tr>\s*<th scope=\"row\"><a [^>]*>{re.escape(task.name)}</a>.*?</tr>", table, re.S
    )
    assert row, table
    assert f'<span class="hint">{cause}</span>' in row.group(0)
    assert PLATFORM_SUMMARY not in table
    assert '<th scope="col">Job runs</th>' in table
    for run in task.runs:
        assert f">Job {run.job_id} (its run {run.id})</a>" in row.group(0)
    assert not re.search(r"job \d+, run \d+", html)
    section = re.search(r'<section class="what-went-wrong".*?</section>', html, re.S).group(0)
    assert f">job {newest.job_id} (its run {newest.id})</a>:" in section
    assert f"<dt>Job run 1</dt><dd>job {task.runs[0].job_id} (its run {task.runs[0].id})" in section
    assert not re.search(r"run \d+ of job \d+", html)
    timeline = re.search(r'<table class="timeline__table table">.*?</table>', html, re.S).group(0)
    total = len(task.runs)
    assert f"{task.name} (job run 1 of {total})" in timeline
    assert f"(run 1 of {total})" not in timeline.replace("(job run", "")


def test_a_paused_tasks_hint_is_still_the_platforms_state_in_words(owner_client, owner):
    execution = owner.paused()
    html = owner_client.get(page_url(execution)).content.decode()
    table = re.search(r'<table class="table task-table">.*?</table>', html, re.S).group(0)
    assert "The workflow pauses before this task until someone resumes it." in table


def test_page_and_fragment_share_a_url_and_vary_on_hx_request(owner_client, owner):
    execution = owner.running()
    page = owner_client.get(page_url(execution))
    fragment = owner_client.get(page_url(execution), headers={"HX-Request": "true"})
    assert "HX-Request" in page["Vary"] and "HX-Request" in fragment["Vary"]
    assert "<html" in page.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body and 'id="execution-live"' in body
    assert 'hx-trigger="every 3s"' in body
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def about(execution, calls) -> list[tuple[str, str]]:
    """The calls among `calls` that concern this execution's workflow."""
    return [call for call in calls if f"/workflows/{execution.workflow_id}/" in call[1]]


def test_fragment_reads_the_cache_not_the_platform(owner_client, owner, console_calls):
    execution = owner.running()
    owner_client.get(page_url(execution))
    assert about(execution, console_calls)  # the full page did read the platform
    console_calls.clear()
    for _ in range(5):
        owner_client.get(page_url(execution), headers={"HX-Request": "true"})
    assert about(execution, console_calls) == [], console_calls
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)
    cache.delete(live_status.lock_key(execution.id))


def test_cancel_asks_first_then_cancels_and_is_audited(owner_client, owner):
    execution = owner.running()
    url = f"{page_url(execution)}cancel/"
    confirm = owner_client.get(url)
    assert confirm.status_code == 200
    assert "Yes, cancel this run" in confirm.content.decode()
    assert "These tasks stop: listen_for_changes." in confirm.content.decode()
    assert owner.read(execution).state == "running"  # asking changed nothing

    done = owner_client.post(url)
    assert done.status_code == 302 and done["Location"] == page_url(execution)
    assert owner.read(execution).state == "cancelled"
    entry = AuditEntry.objects.get(action="post_executions_cancel")
    assert entry.object_id == str(execution.workflow_id)
    assert f"Run no. {execution.id}" in entry.detail
    assert entry.outcome == AuditEntry.Outcome.SUCCEEDED
    assert "The run was cancelled." in owner_client.get(page_url(execution)).content.decode()


def test_the_shared_snapshot_is_not_shown_to_someone_who_cannot_open_the_run(
    owner_client, owner, viewer, client
):
    from .conftest import sign_in

    execution = owner.running()
    owner_client.get(page_url(execution))  # the owner's page fills the shared cache
    assert live_status.read_snapshot(execution.id) is not None
    sign_in(client, viewer.key)  # Bruno has no access to Ada's new workflow

    fragment = client.get(page_url(execution), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert 'id="execution-live"' not in body and "listen_for_changes" not in body
    assert fragment["HX-Retarget"] == "#messages"  # a calm message instead
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_without_a_worker_a_stale_snapshot_is_refreshed_once_per_interval(
    owner_client, owner, console_calls, monkeypatch
):
    import datetime as dt

    from django.utils import timezone

    execution = owner.running()
    owner_client.get(page_url(execution))
    stale = live_status.Snapshot(execution, timezone.now() - dt.timedelta(minutes=5))
    monkeypatch.setattr(live_status, "read_snapshot", lambda execution_id: stale)
    cache.delete(f"live:fallback:{execution.id}")
    console_calls.clear()
    for _ in range(4):
        owner_client.get(page_url(execution), headers={"HX-Request": "true"})
    read = ("GET", f"/workflows/{execution.workflow_id}/executions/{execution.id}")
    assert about(execution, console_calls) == [read]
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_history_restore_gets_the_whole_page_not_the_fragment(owner_client, owner):
    """After back or refresh htmx may ask again with HX-History-Restore-Request and put the
    answer in place of the whole body: it must be a page."""
    execution = owner.failed()
    restore = owner_client.get(
        page_url(execution),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    html = restore.content.decode()
    assert "<html" in html and "<h1>" in html and "Vendor wait" in html
    assert "HX-Request" in restore["Vary"]


def test_the_live_refresh_is_marked_as_a_poll_and_the_actions_are_not(owner_client, owner):
    """Polls must not keep an idle session alive (the middleware skips requests with
    X-Console-Poll); hx-headers is inherited, so it sits on the refresh element alone, not on
    the region whose dialogs post the actions."""
    import re

    execution = owner.paused()
    body = owner_client.get(page_url(execution), headers={"HX-Request": "true"}).content.decode()
    pollers = re.findall(r"<[^>]*hx-trigger=\"every[^>]*>", body)
    assert len(pollers) == 1
    assert """hx-headers='{"X-Console-Poll": "1"}'""" in pollers[0]
    assert body.count("X-Console-Poll") == 1
    assert "hx-post" in body  # the resume and cancel dialogs, outside the poller element
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)


def test_a_watchers_refresh_is_served_from_the_cache_without_the_database(
    owner_client, owner, console_calls
):
    """Issue 13: a watcher's refresh costs cache reads only: no database query (who asks comes
    from the session, read from the cache), no upstream call, no session write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    execution = owner.running()
    url = page_url(execution)
    try:
        owner_client.get(url)  # the page itself: reads the platform, notes the viewer's level
        console_calls.clear()
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                refresh = owner_client.get(url, headers={"HX-Request": "true", **POLL})
            body = refresh.content.decode()
            assert refresh.status_code == 200 and 'id="execution-live"' in body
            assert "listen_for_changes" in body and 'hx-trigger="every 3s"' in body
            assert 'name="csrfmiddlewaretoken"' in body  # the owner's cancel dialog posts
            assert refresh["Cache-Control"] == "no-store" and "HX-Request" in refresh["Vary"]
            assert [q["sql"] for q in queries.captured_queries] == []
        assert about(execution, console_calls) == []
        assert live_status.poller_token(execution.id) is not None  # the watcher was noted
    finally:
        owner.api.post_executions_cancel(execution.workflow_id, execution.id)
        cache.delete(live_status.lock_key(execution.id))


def test_a_refresh_after_signing_out_is_sent_to_sign_in(owner_client, owner):
    execution = owner.running()
    url = page_url(execution)
    try:
        owner_client.get(url)
        owner_client.post("/sign-out/")
        refresh = owner_client.get(url, headers={"HX-Request": "true", **POLL})
        assert refresh.status_code == 200 and refresh["HX-Redirect"].startswith("/sign-in/")
        assert "listen_for_changes" not in refresh.content.decode()
    finally:
        owner.api.post_executions_cancel(execution.workflow_id, execution.id)
        cache.delete(live_status.lock_key(execution.id))
