"""/workflows/<id>/: the facts, the task graph and its task list, the YAML, recent runs,
access, concurrent upstream calls, escaped upstream text."""

import re

import pytest

from workflows_app.words.schedules import zone_words

pytestmark = pytest.mark.django_db

SEEDED_SCRIPT_NAME = "Alert <script>alert('owned')</script>"


def _owned_with_runs(person):
    """One of the person's own workflows that has run."""
    for workflow in person.api.iter_workflows(author=str(person.id)):
        if workflow.state in ("succeeded", "failed") and workflow.valid:
            return workflow
    raise AssertionError("the demo seed gives Marcus workflows that have run")


def test_detail_shows_graph_yaml_runs_and_run_button(client, marcus):
    workflow = _owned_with_runs(marcus)
    response = client.get(f"/workflows/{workflow.id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="wf-name">{workflow.name}</h1>' in html or workflow.name in html
    assert "<svg" in html and 'class="task-list"' in html  # the graph and its text equivalent
    assert 'class="yaml-source"' in html
    runs = re.findall(rf'href="/workflows/{workflow.id}/executions/(\d+)/"', html)
    assert runs, "recent runs link to their execution pages"
    latest = marcus.api.list_executions(workflow.id, limit=1).items[0]
    assert str(latest.id) == runs[0]
    assert "Run this workflow" in html
    assert f'href="/workflows/{workflow.id}/sharing/"' in html
    assert "You (Marcus Webb)" in html


def test_detail_asks_each_independent_thing_once(client, marcus, request_log):
    workflow = _owned_with_runs(marcus)
    request_log.reset()
    client.get(f"/workflows/{workflow.id}/")
    assert request_log.routes() == {
        "GET /workflows/{id}": 1,
        "GET /workflows/{id}/executions": 1,
        "GET /workflows/{id}/shares": 1,
        "GET /workflows/{id}/projects": 1,
        "GET /workflows/{id}/git": 1,
    }


def test_a_viewer_who_can_only_view_is_not_offered_a_run(client, sign_in_as, admin_api):
    for workflow in admin_api.iter_workflows():
        shares = admin_api.list_shares(workflow.id)
        reader = next((g for g in shares.users if g.level == "read"), None)
        if reader is not None:
            break
    else:
        raise AssertionError("the demo seed shares some workflows read-only")
    sign_in_as(admin_api.get_user(reader.id).username)
    html = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert "can view" in html
    assert "Run this workflow" not in html
    refused = client.get(f"/workflows/{workflow.id}/run/")
    assert refused.status_code == 403
    assert "running it needs edit access" in refused.content.decode()


def test_script_bearing_name_and_description_are_text(client, sign_in_as, admin_api):
    # The seeded one by its exact name: other tests create workflows with tags in their names.
    special = next(w for w in admin_api.iter_workflows() if w.name == SEEDED_SCRIPT_NAME)
    sign_in_as(special.owner.username)
    html = client.get(f"/workflows/{special.id}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in html
    assert "&lt;script&gt;document.title=&#x27;owned&#x27;&lt;/script&gt;" in html
    assert "<script>alert(" not in html and "<script>document.title" not in html


def test_the_list_then_knows_the_last_run_and_access(client, marcus):
    workflow = _owned_with_runs(marcus)
    client.get(f"/workflows/{workflow.id}/")
    html = client.get("/workflows/?per_page=50&owner=mine").content.decode()
    row = html[html.index(f'href="/workflows/{workflow.id}/"') :].split("</tr>", 1)[0]
    assert "<time" in row.split('data-label="Last run"', 1)[1]
    assert "can manage" in row


def test_a_missing_workflow_is_a_friendly_page(client, marcus):
    response = client.get("/workflows/999999/")
    assert response.status_code == 404
    assert "<html" in response.content.decode()


def test_next_run_is_in_the_viewers_zone_with_how_soon(client, marcus):
    scheduled = next(
        w for w in marcus.api.iter_workflows(author=str(marcus.id)) if w.next_execution_at
    )
    client.cookies["tz"] = "Asia/Tokyo"
    html = client.get(f"/workflows/{scheduled.id}/").content.decode()
    row = html.split("<dt>Next run</dt>", 1)[1].split("</dd>", 1)[0]
    assert f'datetime="{scheduled.next_execution_at.isoformat()}"' in row
    assert "JST" in row
    assert re.search(r">(in \d+ (minute|hour|day)s?|[A-Z][a-z]{2} \d+ [A-Z][a-z]{2} \d{4})", row)
    schedule = html.split("<dt>Schedule</dt>", 1)[1].split("</dd>", 1)[0]
    assert f"({zone_words(scheduled.time_zone)})" in schedule  # kept in the workflow's zone
