"""Issue 10, item 9: a retried run says its retry's own time, and the duration chart draws the
retry, not the hours the failed run sat idle before someone retried it. The moment comes from
the console's own retry (remembered at once) or, for a retry made elsewhere, from the tasks'
runs (a task ran again after the run had stopped on a failure and sat idle)."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.utils import timezone

from workflows_app.civis.types import Execution, ExecutionSummary, Task, TaskRun
from workflows_app.pictures.duration_chart import render_duration_chart
from workflows_app.runs import retries

from .conftest import wait_for

SVG = "{http://www.w3.org/2000/svg}"
T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def run(id_, state, start, end) -> TaskRun:
    return TaskRun(id=id_, job_id=7, state=state, started_at=at(start), finished_at=at(end))


def execution(*tasks: Task, id_=900_000_501, finished=None) -> Execution:
    return Execution(
        id=id_, workflow_id=9, state="succeeded", started_at=T0, finished_at=finished, tasks=tasks
    )


# Monday 08:00 extract, load fails at 08:10; someone retries it at 15:53; it takes 4 min.
RETRIED_BY_SOMEONE = execution(
    Task(name="extract", runs=(run(1, "succeeded", 0, 5),)),
    Task(name="load", runs=(run(3, "succeeded", 473, 477), run(2, "failed", 5, 10))),
    finished=at(477),
)
# A retry policy's own attempt a minute after the failure: one attempt, not a retry.
POLICY_RETRY = execution(
    Task(name="fetch", runs=(run(5, "succeeded", 11, 14), run(4, "failed", 0, 10))),
    id_=900_000_502,
    finished=at(14),
)


def test_a_task_run_again_after_an_idle_stop_on_a_failure_is_a_retry():
    assert retries.inferred(RETRIED_BY_SOMEONE) == at(473)
    assert retries.inferred(POLICY_RETRY) is None
    still_going = execution(
        Task(name="a", runs=(TaskRun(id=1, state="running", started_at=at(0)),)),
        Task(name="b", runs=(run(2, "failed", 1, 2),)),
        Task(name="c", runs=(run(3, "succeeded", 60, 61),)),
        id_=900_000_503,
    )
    assert retries.inferred(still_going) is None  # something was still running meanwhile


@pytest.mark.django_db
def test_took_says_the_retrys_own_time_first():
    with timezone.override(dt.UTC):
        retried_at = retries.last_attempt_start(RETRIED_BY_SOMEONE)
        html = Template("{% load console %}{% took e.started_at e.finished_at r %}").render(
            Context({"e": RETRIED_BY_SOMEONE, "r": retried_at})
        )
    assert retried_at == at(473)
    assert html.startswith("4 min on its retry at <time datetime=")
    assert "15:53 UTC</time>; 7 h 57 min since it first started" in html
    # what the run page inferred, the chart (which has no tasks) now knows
    assert retries.remembered([900_000_501, 900_000_502]) == {900_000_501: at(473)}
    plain = Template("{% load console %}{% took s f %}").render(Context({"s": at(0), "f": at(5)}))
    assert plain == "5 min"


def test_the_chart_draws_a_retried_run_from_its_retry():
    runs = [
        ExecutionSummary(id=1, state="succeeded", started_at=at(-600), finished_at=at(-595)),
        ExecutionSummary(id=900_000_501, state="succeeded", started_at=T0, finished_at=at(477)),
    ]
    flat = ET.fromstring(str(render_duration_chart(runs)))
    assert "the longest took 7 h 57 min" in flat.get("aria-label")  # the other bar is flat
    svg = ET.fromstring(str(render_duration_chart(runs, retried={900_000_501: at(473)})))
    assert "the longest took 5 min" in svg.get("aria-label")
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "duration-chart__bar"]
    titles = [bar.find(f"{SVG}title").text for bar in bars]
    assert titles == ["Run 1: Succeeded, 5 min", "Run 900000501: Succeeded, 4 min on its retry"]
    assert [bar.get("stroke-dasharray") for bar in bars] == [None, "4 3"]


@pytest.mark.django_db
def test_a_retry_through_the_console_is_timed_from_the_retry(owner_client, owner):
    failed = owner.failed(seconds=1)
    page = f"/workflows/{failed.workflow_id}/executions/{failed.id}/"
    assert "on its retry" not in owner_client.get(page).content.decode()
    answer = owner_client.post(page + "retry/")
    assert answer.status_code == 302
    wait_for(lambda: owner.read(failed), lambda e: e.state == "failed" and e.finished_at)
    html = owner_client.get(page).content.decode()
    took = html[html.index("<dt>Took</dt>") :][:400]
    assert "on its retry at <time" in took and "since it first started" in took
    history = owner_client.get(f"/workflows/{failed.workflow_id}/executions/").content.decode()
    assert "on its retry at <time" in history
    assert "on its retry</title>" in history  # the chart's bar
    recent = owner_client.get(f"/workflows/{failed.workflow_id}/").content.decode()
    assert "on its retry at <time" in recent  # the workflow page's recent runs
    index = owner_client.get("/executions/").content.decode()  # the run page indexed it
    row = index[index.index(f"Run {failed.id}") :]
    assert "on its retry at <time" in row[: row.index("</tr>")]
