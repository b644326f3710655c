"""Someone whose access was removed stops receiving a running execution's live updates
(issue 10, item 13): the level that guards the shared snapshot is re-checked every
`levels.FRESH_SECONDS`, not remembered for ten minutes, and a watcher costs at most one
upstream check per that time, not one per refresh."""

import pytest

from workflows_app.access import levels

from .conftest import RUNS_UNTIL_CANCELLED, sign_in, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
POLL = {"HX-Request": "true", "X-Console-Poll": "1"}


def test_a_revoked_viewer_gets_nothing_new_after_the_next_check(
    client, owner, viewer, console_calls
):
    workflow = owner.workflow("Live access", RUNS_UNTIL_CANCELLED)
    execution = owner.api.post_executions(workflow.id)
    owner.api.put_shares_users(workflow.id, [viewer.person.id], "read")
    url = f"/workflows/{workflow.id}/executions/{execution.id}/"
    try:
        sign_in(client, viewer.key)
        assert client.get(url).status_code == 200
        for _ in range(5):
            fragment = client.get(url, headers=POLL)
            assert fragment.status_code == 200 and "execution-state" in fragment.text
        checks = [c for c in console_calls if c == ("GET", f"/workflows/{workflow.id}")]
        assert len(checks) <= 2  # the page's own read, and at most one re-check

        owner.api.delete_shares_users(workflow.id, viewer.person.id)

        refused = wait_for(
            lambda: client.get(url, headers=POLL),
            lambda r: r.status_code == 286,
            seconds=levels.FRESH_SECONDS + 30,
        )
        assert "have access to this" in refused.text and refused["HX-Retarget"] == "#messages"
        assert "execution-state" not in refused.text and "hx-trigger" not in refused.text
        calls_before = len(console_calls)
        assert client.get(url, headers=POLL).status_code == 286
        assert len(console_calls) == calls_before  # the refusal is remembered: no call
    finally:
        owner.api.post_executions_cancel(workflow.id, execution.id)


def test_removing_a_share_in_the_console_stops_their_live_view_at_once(client, owner, viewer):
    from django.test import Client

    workflow = owner.workflow("Live access removed here", RUNS_UNTIL_CANCELLED)
    execution = owner.api.post_executions(workflow.id)
    owner.api.put_shares_users(workflow.id, [viewer.person.id], "read")
    url = f"/workflows/{workflow.id}/executions/{execution.id}/"
    try:
        watcher = Client()
        sign_in(watcher, viewer.key)
        assert watcher.get(url).status_code == 200
        assert watcher.get(url, headers=POLL).status_code == 200

        sign_in(client, owner.key)
        client.get(f"/workflows/{workflow.id}/sharing/remove/user/{viewer.person.id}/")
        removed = client.post(f"/workflows/{workflow.id}/sharing/remove/user/{viewer.person.id}/")
        assert removed.status_code == 302

        assert watcher.get(url, headers=POLL).status_code == 286
    finally:
        owner.api.post_executions_cancel(workflow.id, execution.id)
