"""The workflow list's parts that are rendered once per what they show (core/fragments.py).

Rendering 50 rows and the filter form through the template language was most of a list page's
CPU (issue 13, item 8): tags, words and times in every cell, a template per form widget. Each
key below is every value its template reads, directly or through the tags it uses: a value
added to the template must be added to its key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from workflows_app.core.fragments import kept
from workflows_app.words.times import relative_time

ROW = "workflows/_workflow_row.html"
FILTERS = "workflows/_workflow_filters.html"


def render_row(row: dict[str, Any]) -> SafeString:
    """One row's `<tr>` (`row` as workflows.views._rows makes it)."""
    return kept(_row_key(row), lambda: render_to_string(ROW, {"row": row}))


def _row_key(row: dict[str, Any]) -> tuple[Any, ...]:
    workflow = row["workflow"]
    owner = workflow.owner
    return (
        ROW,
        workflow.id,
        workflow.name,
        workflow.archived,
        workflow.hidden,
        workflow.valid,
        owner.name if owner is not None else None,
        repr(workflow.schedule),
        workflow.time_zone,
        workflow.updated_at,
        _relative(workflow.updated_at),  # "12 minutes ago" as it reads now
        row["owned"],
        row["level"],
        row["state"],
        row["last_run_at"],
        _relative(row["last_run_at"]),
        timezone.get_current_timezone_name(),  # exact times are in the viewer's zone
    )


def _relative(moment: Any) -> str | None:
    return relative_time(moment) if isinstance(moment, dt.datetime) else None


def render_filters(form: Any, filtered: bool) -> SafeString:
    """The list's filter form: a bound form's HTML follows from the values it was given for its
    fields (its choices are fixed) and from whether anything is filtered."""
    render = lambda: render_to_string(FILTERS, {"form": form, "filtered": filtered})  # noqa: E731
    given = _given(form)
    return render() if given is None else kept((FILTERS, given, filtered), render)


def _given(form: Any) -> tuple | None:
    """What a filter form was given, as a key; None for a form its fields refuse (shown with its
    errors, rendered each time: its values are whatever was typed, of any length)."""
    if not form.is_valid():
        return None
    return tuple((name, tuple(form.data.getlist(name))) for name in form.fields)


RUN_ROW = "workflows/_run_row.html"
RUN_FILTERS = "workflows/_run_history_filters.html"


def render_run_row(run: Any, workflow_id: int, took: str, full: bool) -> SafeString:
    """One run's `<tr>` on a workflow's page (`full` False: its recent runs) or its run history
    (`full` True: also when it finished, and the start's exact time). `took` is the "Took"
    cell as the `took` tag writes it now (it moves while a run goes, and shows a retry)."""
    user = run.user
    key = (
        RUN_ROW,
        full,
        workflow_id,
        run.id,
        run.state,
        run.mistral_state,  # a paused run reads "Waiting for someone"
        user.name if user is not None else None,
        run.started_at,
        _relative(run.started_at),
        run.finished_at,
        str(took),
        timezone.get_current_timezone_name(),  # exact times are in the viewer's zone
    )
    context = {"run": run, "workflow_id": workflow_id, "took": took, "full": full}
    return kept(key, lambda: render_to_string(RUN_ROW, context))


def render_run_filters(form: Any, workflow_id: int) -> SafeString:
    """The run history's filter form: like the list's, a function of the values it was given
    for its fields (its choices are fixed) and of the workflow its address names."""
    render = lambda: render_to_string(RUN_FILTERS, {"form": form, "workflow_id": workflow_id})  # noqa: E731
    given = _given(form)
    return render() if given is None else kept((RUN_FILTERS, workflow_id, given), render)
