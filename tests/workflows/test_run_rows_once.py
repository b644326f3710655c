"""A workflow's page and its run history render their costly parts once per what they show
(issue 13, item 8; workflows/rendered.py and the `task_graph`/`yaml_html` tags): the run rows,
the history's filter form, the task graph and the highlighted definition. The same page again
renders none of them, and a part kept for one set of values is never shown for another (a
run that moved on, another zone, time passing, another definition or task states)."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.template.loader import render_to_string
from django.test.utils import override_settings
from django.utils import timezone

from workflows_app.civis.types import ExecutionSummary, Person
from workflows_app.core import fragments
from workflows_app.pictures.highlight import highlight_yaml
from workflows_app.templatetags import console
from workflows_app.workflows import rendered

NOW = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)
ROW = rendered.RUN_ROW
GRAPH = console.TASK_GRAPH


@pytest.fixture(autouse=True)
def nothing_kept():
    fragments.forget_all()
    yield
    fragments.forget_all()


def templates_used(response) -> list[str]:
    return [t.name for t in response.templates]


def _busiest(person):
    """The person's workflow with the most runs (found by id, not by name)."""
    best, most = None, -1
    for workflow in person.api.iter_workflows(author=str(person.id)):
        total = person.api.list_executions(workflow.id, limit=1).total_entries
        if total > most:
            best, most = workflow, total
    return best


def between(html: str, start: str, end: str) -> str:
    return re.search(re.escape(start) + ".*?" + re.escape(end), html, re.S).group(0)


@pytest.mark.django_db
def test_the_workflows_page_again_renders_no_run_row_nor_graph(client, marcus):
    workflow = _busiest(marcus)
    url = f"/workflows/{workflow.id}/"
    with as_now(timezone.now()):  # a running run's "so far" must not move between the two
        first, again = client.get(url), client.get(url)
    assert first.status_code == 200
    runs = len(first.context["runs"].items)
    assert runs > 1
    assert templates_used(first).count(ROW) == runs
    assert GRAPH in templates_used(first)
    assert ROW not in templates_used(again)
    assert GRAPH not in templates_used(again)
    for start, end in (("<tbody>", "</tbody>"), ('<h2 id="tasks">', '<h2 id="access">')):
        assert between(again.content.decode(), start, end) == between(
            first.content.decode(), start, end
        )
    definition = between(first.content.decode(), '<h2 id="definition">', "</pre>")
    assert definition == between(again.content.decode(), '<h2 id="definition">', "</pre>")


@pytest.mark.django_db
def test_the_run_history_again_renders_no_run_row_nor_the_form(client, marcus):
    workflow = _busiest(marcus)
    url = f"/workflows/{workflow.id}/executions/?per_page=20"
    with as_now(timezone.now()):  # a running run's "so far" must not move between the two
        first, again = client.get(url), client.get(url)
    runs = len(first.context["listing"].page.items)
    assert runs > 1
    assert templates_used(first).count(ROW) == runs
    assert "workflows/_run_history_filters.html" in templates_used(first)
    assert ROW not in templates_used(again)
    assert "workflows/_run_history_filters.html" not in templates_used(again)
    html, html_again = first.content.decode(), again.content.decode()
    for start, end in (("<tbody>", "</tbody>"), ('<form method="get"', "</form>")):
        assert between(html_again, start, end) == between(html, start, end)


@pytest.mark.django_db
def test_the_kept_history_form_shows_what_each_url_asked_for(client, marcus):
    workflow = _busiest(marcus)
    base = f"/workflows/{workflow.id}/executions/"
    failed = client.get(base + "?state=failed").content.decode()
    running = client.get(base + "?state=running").content.decode()
    assert '<option value="failed" selected>' in failed
    assert '<option value="running" selected>' in running
    assert '<option value="failed" selected>' not in running


BASE_RUN = ExecutionSummary(
    id=9001,
    state="succeeded",
    mistral_state="SUCCESS",
    user=Person(7, "Ada <b>Okafor</b>"),
    started_at=NOW - dt.timedelta(minutes=12),
    finished_at=NOW - dt.timedelta(minutes=8),
)


def changed(**fields) -> ExecutionSummary:
    return BASE_RUN.model_copy(update=fields)


RETRIED = {9001: NOW - dt.timedelta(minutes=10)}

# what: (run, workflow id, retried, full)
VARIANTS = {
    "run id": (changed(id=9002), 61, {}, False),
    "workflow": (BASE_RUN, 62, {}, False),
    "state": (changed(state="failed", mistral_state="ERROR"), 61, {}, False),
    "paused": (changed(state="running", mistral_state="PAUSED", finished_at=None), 61, {}, False),
    "started by": (changed(user=Person(8, "Bruno Lindqvist")), 61, {}, False),
    "the schedule": (changed(user=None), 61, {}, False),
    "started": (changed(started_at=NOW - dt.timedelta(days=3)), 61, {}, False),
    "finished": (changed(finished_at=NOW - dt.timedelta(minutes=2)), 61, {}, True),
    "not finished": (changed(finished_at=None, state="running"), 61, {}, True),
    "retried": (BASE_RUN, 61, RETRIED, False),
    "in the history": (BASE_RUN, 61, {}, True),
}


def kept_row(run, workflow_id=61, retried=None, full=False):
    return console.run_row(run, workflow_id, retried or {}, full)


def fresh_row(run, workflow_id=61, retried=None, full=False):
    took = console.took(run.started_at, run.finished_at, retried or {}, run.id)
    context = {"run": run, "workflow_id": workflow_id, "took": took, "full": full}
    return render_to_string(ROW, context)


def as_now(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@override_settings(TIME_ZONE="UTC")
@pytest.mark.parametrize("what", sorted(VARIANTS))
def test_a_kept_run_row_is_never_shown_for_other_values(what):
    run, workflow_id, retried, full = VARIANTS[what]
    with as_now(NOW):
        kept = kept_row(BASE_RUN)
        assert kept_row(BASE_RUN) is kept  # the same values: the kept text
        fresh = fresh_row(run, workflow_id, retried, full)
        assert fresh != kept, f"{what} is not shown by the row: the test checks nothing"
        assert kept_row(run, workflow_id, retried, full) == fresh
    assert "Ada &lt;b&gt;Okafor&lt;/b&gt;" in kept  # upstream text stays escaped


@override_settings(TIME_ZONE="UTC")
def test_a_kept_run_row_follows_the_viewers_zone_and_the_clock():
    going = changed(state="running", mistral_state="RUNNING", finished_at=None)
    with as_now(NOW):
        in_utc = kept_row(going, full=True)
        with timezone.override("Asia/Tokyo"):
            in_tokyo = kept_row(going, full=True)
            assert in_tokyo == fresh_row(going, full=True)
        assert in_tokyo != in_utc
    later = NOW + dt.timedelta(minutes=5)  # "12 minutes so far" is now "17 minutes so far"
    with as_now(later):
        assert kept_row(going, full=True) == fresh_row(going, full=True)
        assert kept_row(going, full=True) != in_utc


DEFINITION = """version: "2.0"
workflow:
  tasks:
    first:
      action: civis.run_job
      on-success: [second]
    second:
      action: civis.run_job
"""
OTHER = DEFINITION.replace("second", "<b>next</b>")


def test_the_task_graph_is_kept_per_definition_and_task_states():
    def fresh(definition, states):
        return render_to_string(GRAPH, console._task_graph_parts(definition, states))

    kept = console.task_graph(DEFINITION)
    assert console.task_graph(DEFINITION) is kept
    for definition, states in ((OTHER, {}), (DEFINITION, {"first": "ERROR"}), ("a: [", {})):
        assert fresh(definition, states) != kept
        assert console.task_graph(definition, states) == fresh(definition, states)
    assert "&lt;b&gt;next&lt;/b&gt;" in console.task_graph(OTHER)


def test_the_highlighted_definition_is_kept_per_definition():
    kept = console.yaml_html(DEFINITION)
    assert console.yaml_html(DEFINITION) is kept
    assert console.yaml_html(OTHER) == highlight_yaml(OTHER) != kept
    assert "<b>" not in console.yaml_html(OTHER)


@override_settings(TIME_ZONE="UTC")
def test_a_kept_running_row_is_not_shown_for_the_same_run_paused():
    running = changed(state="running", mistral_state="RUNNING", finished_at=None)
    paused = running.model_copy(update={"mistral_state": "PAUSED"})
    with as_now(NOW):
        kept = kept_row(running)
        assert kept_row(paused) == fresh_row(paused) != kept
