"""Template tags for the console's words and pictures: `{% load console %}`.

Thin wrappers over `workflows_app.words` and `workflows_app.pictures`; times use Django's
current time zone, which the console activates for each person.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from workflows_app.civis.types import Execution, ExecutionSummary, Schedule, Task
from workflows_app.core.fragments import kept
from workflows_app.pictures.definition import DefinitionRefused
from workflows_app.pictures.graph_svg import render_task_graph_svg
from workflows_app.pictures.highlight import highlight_yaml
from workflows_app.pictures.task_graph import TaskGraphError, parse_task_graph
from workflows_app.pictures.timeline import build_timeline, render_timeline_svg
from workflows_app.words.access import describe_access
from workflows_app.words.counts import plural
from workflows_app.words.runs import job_run as job_run_words
from workflows_app.words.schedules import describe_schedule, zone_words
from workflows_app.words.states import describe_state, execution_state, task_states
from workflows_app.words.times import (
    clock_time,
    day_time,
    duration_between,
    duration_words,
    exact_time,
    relative_time,
    retried_took,
)
from workflows_app.workflows.rendered import (
    render_filters,
    render_row,
    render_run_filters,
    render_run_row,
)

register = template.Library()


@register.inclusion_tag("partials/_status_tag.html")
def status_tag(state: str | None, kind: str | None = None) -> dict[str, Any]:
    """Word + icon + colour for a state; `kind` is workflow, execution, task or run."""
    return {"look": describe_state(state, kind)}  # type: ignore[arg-type]


@register.simple_tag
def workflow_row(row: dict[str, Any]) -> SafeString:
    """`{% workflow_row row %}`: one row of the workflow list (rendered once per what it
    shows, see workflows/rendered.py)."""
    return render_row(row)


@register.simple_tag
def workflow_filters(form: Any, filtered: bool) -> SafeString:
    """`{% workflow_filters form filtered %}`: the workflow list's filter form (rendered once
    per what it shows)."""
    return render_filters(form, filtered)


@register.simple_tag
def run_row(
    run: ExecutionSummary, workflow_id: int, retried: Mapping[int, dt.datetime], full: bool = False
) -> SafeString:
    """`{% run_row run workflow.id retried %}`: one run's row on a workflow's page (`full=True`:
    in its run history), rendered once per what it shows (workflows/rendered.py)."""
    return render_run_row(
        run, workflow_id, took(run.started_at, run.finished_at, retried, run.id), full
    )


@register.simple_tag
def run_history_filters(form: Any, workflow_id: int) -> SafeString:
    """`{% run_history_filters form workflow.id %}`: the run history's filter form (rendered
    once per what it shows)."""
    return render_run_filters(form, workflow_id)


@register.filter
def shown_state(execution: ExecutionSummary | Execution) -> str | None:
    """`{% status_tag execution|shown_state "execution" %}`: Civis calls a paused execution
    running; Mistral's word says it is waiting for someone."""
    return execution_state(execution.state, execution.mistral_state)


@register.filter
def state_label(state: str | None, kind: str | None = None) -> str:
    return describe_state(state, kind).label  # type: ignore[arg-type]


@register.filter
def access_words(level: str | None) -> str:
    """`{{ level|access_words }}`: read → can view; pass "owner" for the owner."""
    return describe_access(level)


@register.simple_tag
def schedule_sentence(schedule: Schedule | None, time_zone: str | None = None) -> str:
    return describe_schedule(schedule, time_zone)


@register.filter
def zone_name(time_zone: str | None) -> str:
    return zone_words(time_zone)


@register.simple_tag
def time_tag(moment: dt.datetime | None, show: str = "relative") -> SafeString | str:
    """A `<time>` element. show="relative": "12 minutes ago" with the exact time as its title;
    show="both": "12 minutes ago (Sat 28 Nov 2026, 16:17 CST)" so nothing is only on hover;
    show="exact": the exact time alone; show="clock": "09:12 CST (24 minutes ago)", the time of
    day first (the date too when not today); show="day": "Monday 06:10 CST (2 days ago)", to
    follow "since" (words.times.day_time). Far-off moments always show the exact time.
    Nothing for a missing moment (None, or "" for a variable the template does not have)."""
    if not isinstance(moment, dt.datetime):
        return ""
    value = moment
    exact = exact_time(value)
    relative = relative_time(value)
    if show == "exact" or relative is None:
        text = exact
    elif show == "clock":
        text = f"{clock_time(value)} ({relative})"
    elif show == "day":
        text = f"{day_time(value)} ({relative})"
    elif show == "both":
        text = f"{relative} ({exact})"
    else:
        text = relative
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, text)


@register.simple_tag
def job_run(job_id: int | None, run_id: int, leading: bool = False) -> str:
    """A task's job run, named with its job: "job 110 (its run 4806)" (words/runs.py)."""
    return job_run_words(job_id, run_id, leading=leading)


@register.filter
def duration(value: Any) -> str:
    """Seconds or a timedelta as "4 min 12 s"."""
    return duration_words(value)


@register.simple_tag
def duration_from(start: dt.datetime | None, finish: dt.datetime | None = None) -> str:
    """How long from start to finish (or until now, when not finished)."""
    return duration_between(start, finish)


@register.simple_tag
def took(
    start: dt.datetime | None,
    finish: dt.datetime | None,
    retried_at: dt.datetime | Mapping[int, dt.datetime] | None = None,
    run_id: int | None = None,
) -> SafeString | str:
    """How long a run took (so far, when not finished); a retried run's last attempt's own time
    first, with when it started (runs/retries.py). `retried_at` is that moment, or a list's
    run id -> moment with the row's `run_id`."""
    if not isinstance(start, dt.datetime):
        return ""
    if isinstance(retried_at, Mapping):
        retried_at = retried_at.get(run_id) if run_id is not None else None
    going = not isinstance(finish, dt.datetime)
    if isinstance(retried_at, dt.datetime) and retried_at > start:
        own = duration_between(retried_at, finish)
        total = duration_between(start, finish)
        return retried_took(own, total, time_tag(retried_at, "exact"), going)
    return duration_between(start, finish) + (" so far" if going else "")


@register.filter
def count(number: Any, words: str) -> str:
    """`{{ n|count:"workflow" }}` → "1 workflow" / "24 workflows";
    `{{ n|count:"person,people" }}` for irregular plurals."""
    singular, _, plural_form = words.partition(",")
    try:
        amount = int(number)
    except (TypeError, ValueError):
        amount = len(number) if hasattr(number, "__len__") else 0
    return plural(amount, singular, plural_form or None)


@register.filter
def yaml_html(text: str | None) -> SafeString:
    """The highlighted definition, once per definition (core/fragments.py): its text is all
    the highlight reads, so its hash is the key."""
    return kept(("yaml", _digest(text)), lambda: highlight_yaml(text))


TASK_GRAPH = "partials/_task_graph.html"


@register.simple_tag
def task_graph(definition: str | None, tasks: Any = None) -> SafeString:
    """The task graph picture with its text equivalent (the task list), or a note that it
    could not be drawn (the page shows the YAML below it). `tasks` colours it by state: an
    execution's tasks, or a {task name: state} mapping. Rendered once per definition and
    states (core/fragments.py): they are all the picture and the list read."""
    states = task_states(tasks)
    key = (TASK_GRAPH, _digest(definition), tuple(sorted(states.items())))
    return kept(key, lambda: render_to_string(TASK_GRAPH, _task_graph_parts(definition, states)))


def _digest(text: str | None) -> str:
    # The key holds a digest, not a definition of perhaps hundreds of kilobytes.
    return hashlib.sha256((text or "").encode()).hexdigest()


def _task_graph_parts(definition: str | None, states: dict[str, str]) -> dict[str, Any]:
    try:
        graph = parse_task_graph(definition or "")
    except TaskGraphError as error:
        refused = isinstance(error.__cause__, DefinitionRefused)
        return {"graph": None, "svg": None, "problem": str(error) if refused else ""}
    return {
        "graph": graph,
        "svg": render_task_graph_svg(definition or "", states),
        "task_states": states,
    }


@register.inclusion_tag("partials/_task_timeline.html")
def task_timeline(tasks: tuple[Task, ...] | None) -> dict[str, Any]:
    """An execution's tasks as a timeline picture and a table of the same runs."""
    timeline = build_timeline(tasks or ())
    return {"timeline": timeline, "svg": render_timeline_svg(timeline)}


@register.filter
def lookup(mapping: Any, key: str) -> Any:
    """`{{ states|lookup:task.name }}`: a value by key, for maps keyed by upstream names."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def pager_links(page: Any) -> dict[str, int | None]:
    """`{% pager_links page as pager %}`: number, total, previous and next page numbers of a
    page of the platform's list (`page_num`, `total_pages`) or of a Django paginator's page."""
    if hasattr(page, "paginator"):  # Django's page: has_next() is a method
        number, total = page.number, page.paginator.num_pages
    else:
        number, total = page.page_num, page.total_pages or 1
    return {
        "number": number,
        "total": total,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < total else None,
    }
