"""Execution pages: one execution (with its live state), one task, the actions on an execution
(run again, cancel, resume, retry), and `/executions/` across workflows.

The execution page and its live fragment share one URL: a full page load reads the platform
(and shares what it read), an htmx refresh reads only the shared cache that the one poller of
that execution keeps fresh (see `live_status`). Both answers carry `Vary: HX-Request`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget
from redis.exceptions import RedisError

from workflows_app.access import levels
from workflows_app.civis import errors
from workflows_app.civis.concurrency import gather
from workflows_app.civis.types import Execution, RunLog, TaskRun
from workflows_app.core import accounts
from workflows_app.core.middleware import POLL_HEADER, UPSTREAM_MESSAGES
from workflows_app.core.rendering import page_or_fragment, wants_fragment
from workflows_app.models import SessionKey
from workflows_app.runs import index as execution_index
from workflows_app.runs import live_status, retries
from workflows_app.runs.facts import (
    allowed_actions,
    cause_words,
    failed_tasks,
    plain_words,
    shown_state,
    task_hint,
)
from workflows_app.runs.forms import ExecutionFilterForm, RetryForm
from workflows_app.runs.tasks import sweep_person
from workflows_app.words.runs import RUNS_INDEX_LEAD, runs_index_scope
from workflows_app.words.states import finished_news
from workflows_app.workflows.input_values import as_typed
from workflows_app.workflows.listing import forget_paused

NO_MORE_POLLING = 286  # htmx stops an `every` trigger on this status
MAX_LOGGED_RUNS = 10
LAST_LOG_LINES = 10  # "What went wrong" shows this many of a failed run's last log lines
MAX_FAILURE_LOGS = 5  # and reads the logs of at most this many failed tasks
ACTION_WORDS = {
    "cancel": {
        "title": "Cancel this run?",
        "button": "Yes, cancel this run",
        "back": "No, keep it running",
        "effect": "Every task still running or waiting stops, and the run ends as cancelled. "
        "This cannot be undone, but you can run the workflow again.",
        "done": "The run was cancelled.",
    },
    "resume": {
        "title": "Resume this run?",
        "button": "Yes, resume this run",
        "back": "No, leave it paused",
        "effect": "The run carries on from where it paused.",
        "done": "The run was resumed.",
    },
    "retry": {
        "title": "Retry the failed tasks?",
        "button": "Yes, retry failed tasks",
        "back": "No, go back",
        "effect": "Every failed task runs again, and the tasks after them follow.",
        "done": "The failed tasks are running again.",
    },
    "run-again": {
        "title": "Run this workflow again?",
        "button": "Yes, run it again",
        "back": "No, go back",
        "effect": "A new run starts now with the same input and the same included tasks.",
        "done": "A new run has started.",
    },
}


# -- helpers ---------------------------------------------------------------------------------


def _session_key_id(request) -> int | None:
    """The reference the poller acts by: this session's SessionKey row (never the key)."""
    return (
        SessionKey.objects.filter(session_key=request.session.session_key, user=request.user)
        .values_list("pk", flat=True)
        .first()
    )


def _remember_level(request, workflow) -> None:
    if account := _account(request):
        levels.remember(account.civis_user_id, workflow.id, workflow.my_permission_level)


def _viewer_level(request, workflow_id: int) -> str | None:
    """The viewer's access to the workflow now: read within `levels.FRESH_SECONDS` (by their
    own page load or an earlier refresh), asked again otherwise. None when they cannot open
    it any more (remembered as well, so their next refreshes cost no call)."""
    account = _account(request)
    if account is not None:
        known, level = levels.fresh(account.civis_user_id, workflow_id)
        if known:
            return level
    try:
        workflow = accounts.client_for(request).get_workflow(workflow_id)
    except (errors.Forbidden, errors.NotFound):
        if account is not None:
            levels.remember(account.civis_user_id, workflow_id, None)
        return None
    _remember_level(request, workflow)
    return workflow.my_permission_level or None


def _account(request):
    return getattr(request.user, "civis", None)


def _keep_watching(request, workflow_id: int, execution: Execution) -> None:
    """Share what we read and, while it is not finished, make sure one poller keeps it fresh."""
    live_status.write_snapshot(execution)
    if not execution.is_terminal and (session_key_id := _session_key_id(request)):
        live_status.ensure_poller(workflow_id, execution.id, session_key_id)


def _unfinished(execution: Execution) -> list[str]:
    """Tasks a cancel would stop (UX.md: say exactly what a cancel will do)."""
    finished = ("success", "error", "cancelled")
    return [t.name for t in execution.tasks if (t.mistral_state or "").lower() not in finished]


def _live_context(request, workflow_id: int, execution: Execution, level: str | None, fetched_at):
    tasks_by_name = {task.name: task for task in execution.tasks}
    return {
        "workflow_id": workflow_id,
        "execution": execution,
        "state": shown_state(execution),
        "state_words": plain_words(execution.mistral_state_info),
        "inputs": [(name, as_typed(value)) for name, value in execution.input.items()],
        "actions": allowed_actions(execution, level),
        "failures": [
            {
                "task": task,
                "words": plain_words(task.mistral_state_info),
                "dialog_id": f"confirm-retry-{number}",
                "retry_words": _retry_one_words(task.name),
            }
            for number, task in enumerate(failed_tasks(execution), start=1)
        ],
        "tasks": [{"task": task, "hint": task_hint(task)} for task in execution.tasks],
        "tasks_by_name": tasks_by_name,
        "unfinished_tasks": _unfinished(execution),
        "live": not execution.is_terminal,
        "fetched_at": fetched_at,
        "refresh_seconds": live_status.BROWSER_REFRESH_SECONDS,
        # The page shows news of an action on this run (its refresh sends the toast's field):
        # once the run has finished, the answer replaces that news with the outcome.
        "after_action": request.GET.get("after_action") == "1",
        "finished_news": finished_news(shown_state(execution)),
        "retried_at": retries.last_attempt_start(execution),
        "action_words": {name.replace("-", "_"): words for name, words in ACTION_WORDS.items()},
    }


@dataclass(frozen=True)
class FailureLog:
    """The end of a failed task's newest job run: its error and its last log lines."""

    run: TaskRun
    error: str | None
    lines: tuple[RunLog, ...]
    more: bool  # lines before these were left out

    @property
    def cause(self) -> str | None:
        """What went wrong in the job's own words: the first line of the run's error, else
        of the last error line of its log (the platform's "One or more actions had failed."
        says nothing a person can act on; "relation ... does not exist" does)."""
        errors_logged = [
            line.message for line in self.lines if (line.level or "").lower() == "error"
        ]
        text = self.error or (errors_logged[-1] if errors_logged else "")
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        return first or None

    @property
    def error_rest(self) -> bool:
        """The run's error says more than its first line (shown whole under the lead)."""
        return bool(self.error and self.error.strip() != self.cause)


def _add_failure_logs(client, context: dict) -> None:
    """Give each failure of a finished run the end of its newest job run's log (one run and
    one log read per failed task, concurrently, at most MAX_FAILURE_LOGS). A log the viewer
    may not read, or that is gone, is left out: the page links to the task instead."""
    if not context["execution"].is_terminal:
        return  # read once the run has finished, not on every live refresh
    wanted = []
    for failure in context["failures"][:MAX_FAILURE_LOGS]:
        runs = [run for run in failure["task"].runs if run.job_id is not None]
        if runs:
            wanted.append((failure, runs[0]))

    def read(run: TaskRun) -> FailureLog | None:
        try:
            job_run, lines = gather(
                lambda: client.get_job_run(run.job_id, run.id),
                lambda: client.list_job_run_logs(run.job_id, run.id),
            )
        except (errors.NotFound, errors.Forbidden):
            return None
        ordered = sorted(lines, key=lambda line: line.id)
        return FailureLog(
            run,
            job_run.error,
            tuple(ordered[-LAST_LOG_LINES:]),
            more=len(ordered) > LAST_LOG_LINES,
        )

    found = gather(*(lambda run=run: read(run) for _, run in wanted)) if wanted else ()
    for (failure, _), log in zip(wanted, found, strict=True):
        failure["log"] = log
        failure["cause"] = log.cause if log is not None else None
    causes_by_task = {f["task"].name: f["cause"] for f in context["failures"] if f.get("cause")}
    for row in context["tasks"]:  # the tasks table says the same real cause
        row["hint"] = causes_by_task.get(row["task"].name, row["hint"])
    failures = context["failures"]
    if causes := [(f["task"].name, f["cause"]) for f in failures if f.get("cause")]:
        context["state_words"] = cause_words(*causes[0], others=len(failures) - 1)


def _retry_one_words(task_name: str) -> dict[str, str]:
    return {
        **ACTION_WORDS["retry"],
        "title": f"Retry task {task_name}?",
        "button": "Yes, retry this task",
        "effect": "This task runs again, and the tasks after it follow.",
        "done": f"Task {task_name} is running again.",
    }


def _no_access(request):
    """The calm "no access" message in the messages area, with status 286 so the browser
    stops refreshing the run (htmx cancels an `every` trigger on 286)."""
    _, title, advice = UPSTREAM_MESSAGES[errors.Forbidden]
    context = {"title": title, "advice": advice, "detail": ""}
    response = render(request, "partials/_upstream_error.html", context, status=NO_MORE_POLLING)
    return reswap(retarget(response, "#messages"), "innerHTML")


def _render_live(request, workflow_id: int, execution_id: int, *, with_messages: bool = False):
    """The live fragment from the shared cache (reading the platform only when nobody has).

    The snapshot was read with someone's key, maybe not this viewer's: their own access to the
    workflow is checked first (asked upstream, or remembered from their own page load for
    `levels.FRESH_SECONDS`), so nobody sees a run they could not open themselves; someone who
    lost access gets the calm "no access" message instead, which also stops their polling."""
    level = _viewer_level(request, workflow_id)
    if level is None:
        return _no_access(request)
    snapshot = live_status.read_snapshot(execution_id)
    if (
        snapshot is None
        or snapshot.execution.workflow_id != workflow_id
        or live_status.needs_fallback_read(snapshot)
    ):
        execution = accounts.client_for(request).get_executions(workflow_id, execution_id)
        snapshot = live_status.write_snapshot(execution)
    execution = snapshot.execution
    if not execution.is_terminal and (session_key_id := _session_key_id(request)):
        live_status.ensure_poller(workflow_id, execution_id, session_key_id)
    context = _live_context(request, workflow_id, execution, level, snapshot.fetched_at)
    if execution.is_terminal:  # its logs are read once it has finished, never while it runs
        _add_failure_logs(accounts.client_for(request), context)
    context["with_messages"] = with_messages
    return render(request, "runs/_execution_live.html", context)


def _is_refresh(request) -> bool:
    """The live region's own refresh (htmx, with the poll header its element sends)."""
    return request.method == "GET" and wants_fragment(request) and POLL_HEADER in request.headers


def _refresh_from_cache(request, workflow_id: int, execution_id: int) -> HttpResponse | None:
    """A watcher's refresh answered from the cache alone, or None to go the full way.

    Twenty people watching a run ask every few seconds each; this costs the session (read from
    the cache: cached_db), the viewer's level, the snapshot, noting the watcher for the poller
    and rendering: no database query, no upstream call, no session write. It leaves the answer
    to `_render_live` (which asks the platform) whenever the cache cannot decide alone: the
    viewer's level was read more than `levels.FRESH_SECONDS` ago (the re-check after which a
    revoked viewer gets nothing new) or was a refusal, there is no snapshot of this run, it is
    stale (no worker polls), or the run has finished (its failures' logs are read then)."""
    viewer = accounts.viewer_of(request.session)
    if viewer is None:
        return None
    person_id, session_key_id = viewer
    known, level = levels.fresh(person_id, workflow_id)
    if not known or level is None:
        return None
    try:
        snapshot = live_status.read_snapshot(execution_id)
        if (
            snapshot is None
            or snapshot.execution.workflow_id != workflow_id
            or snapshot.is_terminal
            or live_status.is_stale(snapshot)
        ):
            return None
        live_status.ensure_poller(workflow_id, execution_id, session_key_id)
    except RedisError:
        return None  # the full way says what is wrong
    context = _live_context(request, workflow_id, snapshot.execution, level, snapshot.fetched_at)
    context.update(csrf(request), with_messages=False)  # no context processors: they ask the db
    return HttpResponse(render_to_string("runs/_execution_live.html", context))


# -- pages -----------------------------------------------------------------------------------


@vary_on_headers("HX-Request")
def execution_detail(request, workflow_id: int, execution_id: int):
    """The run's page; its live fragment for htmx. A watcher's refresh is served from the cache
    alone when it can be, before anything asks the database who is signed in."""
    if _is_refresh(request) and (answer := _refresh_from_cache(request, workflow_id, execution_id)):
        return answer
    return _execution_page_or_fragment(request, workflow_id, execution_id)


@accounts.signed_in
def _execution_page_or_fragment(request, workflow_id: int, execution_id: int):
    if wants_fragment(request):
        return _render_live(request, workflow_id, execution_id)
    client = accounts.client_for(request)
    workflow, execution = gather(
        lambda: client.get_workflow(workflow_id),
        lambda: client.get_executions(workflow_id, execution_id),
    )
    _remember_level(request, workflow)
    _keep_watching(request, workflow_id, execution)
    if account := _account(request):
        execution_index.index_executions(account, workflow, [execution])
    context = _live_context(
        request, workflow_id, execution, workflow.my_permission_level, timezone.now()
    )
    _add_failure_logs(client, context)
    context.update(workflow=workflow)
    return render(request, "runs/execution_detail.html", context)


@accounts.signed_in
def execution_task(request, workflow_id: int, execution_id: int, task_name: str):
    client = accounts.client_for(request)
    workflow, task = gather(
        lambda: client.get_workflow(workflow_id),
        lambda: client.get_executions_tasks(workflow_id, execution_id, task_name),
    )
    runs = [run for run in task.runs if run.job_id is not None][:MAX_LOGGED_RUNS]
    logs = gather(*(lambda r=r: client.list_job_run_logs(r.job_id, r.id) for r in runs))
    context = {
        "workflow": workflow,
        "execution_id": execution_id,
        "task": task,
        "state_words": plain_words(task.mistral_state_info),
        "runs": list(zip(runs, logs, strict=True)),
        "unlogged_runs": [run for run in task.runs if run not in runs],
    }
    return render(request, "runs/execution_task.html", context)


@accounts.signed_in
@require_http_methods(["GET", "POST"])
def execution_action(request, workflow_id: int, execution_id: int, action: str):
    """GET: the confirmation page (for browsers without JavaScript; others confirm in a
    dialog). POST: do it; the service module writes the audit entry either way."""
    if action not in ACTION_WORDS:
        raise Http404
    form = RetryForm(request.POST or request.GET)
    task_name = form.cleaned_data["task_name"] if form.is_valid() else ""
    if request.method == "GET":
        return _confirm_page(request, workflow_id, execution_id, action, task_name)
    client = accounts.client_for(request)
    here = reverse("runs:execution", args=[workflow_id, execution_id])
    try:
        result = _perform(client, workflow_id, execution_id, action, task_name)
    except errors.Invalid as exc:
        messages.error(request, f"The platform did not accept that: {exc.message}")
        if request.htmx:
            return _render_live(request, workflow_id, execution_id, with_messages=True)
        return redirect(here)
    words = _retry_one_words(task_name) if action == "retry" and task_name else ACTION_WORDS[action]
    if action == "retry":
        retries.remember(execution_id, timezone.now())
    messages.success(request, words["done"], extra_tags="run-action")
    forget_paused(client.endpoint, workflow_id)  # the list asks again: it may not be paused now
    live_status.write_snapshot(result)
    if not result.is_terminal and (session_key_id := _session_key_id(request)):
        live_status.restart_poller(workflow_id, result.id, session_key_id)
    if action == "run-again":
        target = reverse("runs:execution", args=[workflow_id, result.id])
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if request.htmx:
        return _render_live(request, workflow_id, execution_id, with_messages=True)
    return redirect(here)


def _perform(client, workflow_id: int, execution_id: int, action: str, task_name: str) -> Execution:
    if action == "cancel":
        return client.post_executions_cancel(workflow_id, execution_id)
    if action == "resume":
        return client.post_executions_resume(workflow_id, execution_id)
    if action == "retry":
        return client.post_executions_retry(workflow_id, execution_id, task_name or None)
    previous = client.get_executions(workflow_id, execution_id)
    return client.post_executions(
        workflow_id, input=previous.input or None, included_tasks=previous.included_tasks or None
    )


def _confirm_page(request, workflow_id: int, execution_id: int, action: str, task_name: str):
    client = accounts.client_for(request)
    workflow, execution = gather(
        lambda: client.get_workflow(workflow_id),
        lambda: client.get_executions(workflow_id, execution_id),
    )
    actions = allowed_actions(execution, workflow.my_permission_level)
    allowed = {
        "cancel": actions.cancel,
        "resume": actions.resume,
        "retry": (task_name in actions.retry_tasks) if task_name else actions.retry_failed,
        "run-again": actions.run_again,
    }[action]
    words = _retry_one_words(task_name) if action == "retry" and task_name else ACTION_WORDS[action]
    context = {
        "workflow": workflow,
        "execution": execution,
        "state": shown_state(execution),
        "action": action,
        "words": words,
        "task_name": task_name,
        "allowed": allowed,
        "unfinished_tasks": _unfinished(execution),
    }
    return render(request, "runs/execution_confirm.html", context)


@accounts.signed_in
def execution_list(request):
    account = _account(request)
    if account is None:
        raise Http404
    form = ExecutionFilterForm(request.GET or None)
    rows = execution_index.recent_executions(account, **form.query())
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    swept_at = execution_index.last_swept(account)
    gathering = gave_up = False
    if execution_index.needs_sweep(account):
        session_key_id = _session_key_id(request)
        if session_key_id and execution_index.mark_requested(account):
            sweep_person.delay_on_commit(account.id, session_key_id)
        if swept_at is None:  # never swept: wait for the first sweep, but not forever
            gave_up = execution_index.first_sweep_overdue(account)
            gathering = not gave_up
    context = {"form": form, "page": page, "swept_at": swept_at, "gathering": gathering}
    context["gave_up"] = gave_up
    context["lead"] = RUNS_INDEX_LEAD
    context["scope"] = runs_index_scope(
        execution_index.SWEEP_WORKFLOWS, execution_index.EXECUTIONS_PER_WORKFLOW
    )
    context["retried"] = retries.remembered(row.execution_id for row in page)  # from their retry
    return page_or_fragment(
        request, "runs/execution_list.html", "runs/_execution_list.html", context
    )
