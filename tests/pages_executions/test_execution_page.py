"""The execution page and its live fragment, over live HTTP to civis_local."""

import pytest
from django.core.cache import cache

from workflows_app import live_status
from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db


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


def test_fragment_reads_the_cache_not_the_platform(owner_client, owner, local_api):
    import requests

    execution = owner.running()
    owner_client.get(page_url(execution))
    requests.post(local_api.url + "_local/requests/reset", timeout=5)
    for _ in range(5):
        owner_client.get(page_url(execution), headers={"HX-Request": "true"})
    counts = requests.get(local_api.url + "_local/requests", timeout=5).json()
    assert counts["total"] == 0, counts
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
    assert f"execution_id: {execution.id}" in entry.detail
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
    owner_client, owner, local_api, monkeypatch
):
    import datetime as dt

    import requests
    from django.utils import timezone

    execution = owner.running()
    owner_client.get(page_url(execution))
    stale = live_status.Snapshot(execution, timezone.now() - dt.timedelta(minutes=5))
    monkeypatch.setattr(live_status, "read_snapshot", lambda execution_id: stale)
    cache.delete(f"live:fallback:{execution.id}")
    requests.post(local_api.url + "_local/requests/reset", timeout=5)
    for _ in range(4):
        owner_client.get(page_url(execution), headers={"HX-Request": "true"})
    counts = requests.get(local_api.url + "_local/requests", timeout=5).json()["byRoute"]
    assert counts == {"GET /workflows/{id}/executions/{execution_id}": 1}
    owner.api.post_executions_cancel(execution.workflow_id, execution.id)
