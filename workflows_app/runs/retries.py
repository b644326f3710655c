"""When a run's last attempt started: the moment it was retried, so "Took" can say the retry's
own time and the duration chart can draw it, instead of counting the hours the failed run sat
idle before someone retried it.

Two sources. A retry made through the console is remembered at once (by execution id, in the
shared cache, for RETRY_MEMORY_SECONDS). A retry made elsewhere (the platform's own pages, a
script) is read from the run's tasks: a task ran again after the whole run had stopped on a
failure and sat idle for IDLE_BEFORE_RETRY or more (a retry policy's own delay is usually
seconds; a person's retry, minutes to hours). What the run page infers is remembered too, so
the chart, which lists runs without their tasks, knows it from then on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache

from workflows_app.civis.types import ChildExecution, Execution, TaskRun

RETRY_MEMORY_SECONDS = 90 * 86400
IDLE_BEFORE_RETRY = dt.timedelta(minutes=10)
FAILED_RUN_STATES = frozenset({"failed", "error", "cancelled"})
_KEY = "runs:retried:{}"
_OPEN = dt.datetime.max.replace(tzinfo=dt.UTC)


def remember(execution_id: int, at: dt.datetime) -> None:
    """A retry of this run started at `at` (the latest retry wins)."""
    cache.set(_KEY.format(execution_id), at, RETRY_MEMORY_SECONDS)


def remembered(execution_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """execution id -> when its latest retry started, for the runs known to be retried."""
    keys = {_KEY.format(execution_id): execution_id for execution_id in execution_ids}
    if not keys:
        return {}
    return {keys[key]: at for key, at in cache.get_many(list(keys)).items()}


def inferred(execution: Execution) -> dt.datetime | None:
    """The start of the run's last attempt read from its tasks' runs (job runs and the runs of
    workflows it started), or None when nothing ran again after an idle stop on a failure."""
    runs: list[TaskRun | ChildExecution] = []
    for task in execution.tasks:
        runs += [*task.runs, *task.executions]
    spans = sorted(
        (run.started_at, run.finished_at or _OPEN, (run.state or "").lower())
        for run in runs
        if run.started_at is not None
    )
    latest: tuple[dt.datetime, str] | None = None  # the latest finish so far, and its state
    found = None
    for started, finished, state in spans:
        if latest is not None:
            stopped_at, stopped_state = latest
            if stopped_state in FAILED_RUN_STATES and started - stopped_at >= IDLE_BEFORE_RETRY:
                found = started
        if latest is None or finished >= latest[0]:
            latest = (finished, state)
    return found


def last_attempt_start(execution: Execution) -> dt.datetime | None:
    """When the run's last attempt started, if it was retried after its first start."""
    at = remembered([execution.id]).get(execution.id)
    if at is None and (at := inferred(execution)) is not None:
        remember(execution.id, at)
    started = execution.started_at
    if at is None or started is None or at <= started:
        return None
    if execution.finished_at is not None and at > execution.finished_at:
        return None
    return at
