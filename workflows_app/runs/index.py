"""The per-person index of executions behind `/executions/` (the API cannot list executions
across workflows).

Three ways in, all writing through `index_executions`:

- pages that show executions call it with what they fetched anyway (the execution page here;
  the workflow detail and history pages may call it too): no extra upstream call;
- `sweep` refreshes one person's index in the background: their 50 most recently updated
  workflows, the latest executions of each, fetched concurrently as that person;
- the periodic `refresh_execution_indexes` task sweeps people who are signed in now and
  opened /executions/ lately;
- the triage refresh engine (`workflows_app/triage/engine.py`) writes the runs it reads of a
  watched workflow into the index of each person watching it (no call of its own).

Only workflows the person can see are ever indexed for them, because every read uses their
own key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.civis.concurrency import gather
from workflows_app.models import CivisAccount, SessionKey
from workflows_app.models.runs import ExecutionIndexSweep, IndexedExecution
from workflows_app.words.states import execution_state

SWEEP_WORKFLOWS = 50  # one page of the API: the most recently updated workflows
EXECUTIONS_PER_WORKFLOW = 10
STALE_AFTER = dt.timedelta(minutes=5)
LOOKING_WINDOW = dt.timedelta(minutes=15)  # a background sweep only for someone looking
GATHER_PATIENCE = dt.timedelta(seconds=60)  # how long the page waits for a first sweep
UPDATE_FIELDS = [
    "workflow_name",
    "state",
    "mistral_state",
    "ran_by",
    "started_at",
    "finished_at",
    "created_at",
    "seen_at",
]


def _display_state(execution: Any) -> str:
    """The index keeps the state the page shows (paused wins over Civis's `running`)."""
    return execution_state(execution.state, getattr(execution, "mistral_state", None)) or ""


def index_executions(account: CivisAccount, workflow: Any, executions: Iterable[Any]) -> int:
    """Remember `executions` (ExecutionSummary or Execution objects) of `workflow` (anything
    with `id` and `name`) as seen by `account`; returns how many rows were written.

    Safe to call from any page that fetched executions: one bulk upsert, no upstream call."""
    now = timezone.now()
    rows = [
        IndexedExecution(
            account=account,
            workflow_id=workflow.id,
            workflow_name=(workflow.name or "")[:255],
            execution_id=execution.id,
            state=_display_state(execution)[:40],
            mistral_state=(execution.mistral_state or "")[:40],
            ran_by=((execution.user.name if execution.user else "") or "")[:255],
            started_at=execution.started_at,
            finished_at=execution.finished_at,
            created_at=execution.created_at or execution.started_at,
            seen_at=now,
        )
        for execution in executions
    ]
    if rows:
        IndexedExecution.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["account", "execution_id"],
            update_fields=UPDATE_FIELDS,
        )
    return len(rows)


def recent_executions(
    account: CivisAccount,
    *,
    states: Iterable[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[IndexedExecution]:
    """The person's indexed executions, newest first, filtered by state and by the day they
    started (in the current time zone, inclusive)."""
    rows = IndexedExecution.objects.filter(account=account)
    if states := list(states):
        rows = rows.filter(state__in=states)
    zone = timezone.get_current_timezone()
    if since:
        start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
        rows = rows.filter(created_at__gte=start)
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        rows = rows.filter(created_at__lt=end)
    return rows


def last_swept(account: CivisAccount) -> dt.datetime | None:
    sweep = ExecutionIndexSweep.objects.filter(account=account).first()
    return sweep.swept_at if sweep else None


def needs_sweep(account: CivisAccount, now: dt.datetime | None = None) -> bool:
    swept = last_swept(account)
    return swept is None or (now or timezone.now()) - swept > STALE_AFTER


def looked_lately(account: CivisAccount, now: dt.datetime | None = None) -> bool:
    """The person asked for their index (opened /executions/) within LOOKING_WINDOW: only
    they are swept in the background; the triage engine keeps the rest of the index."""
    sweep = ExecutionIndexSweep.objects.filter(account=account).first()
    requested = sweep.requested_at if sweep else None
    return requested is not None and (now or timezone.now()) - requested < LOOKING_WINDOW


def mark_requested(account: CivisAccount) -> bool:
    """Note that a sweep was asked for; False if one was asked for within STALE_AFTER already
    (so a page refreshed many times queues one sweep)."""
    now = timezone.now()
    sweep, _ = ExecutionIndexSweep.objects.get_or_create(account=account)
    requested = sweep.requested_at
    pending = requested is not None and (sweep.swept_at is None or sweep.swept_at < requested)
    if pending and requested is not None and now - requested < STALE_AFTER:
        return False
    sweep.requested_at = now
    sweep.save(update_fields=["requested_at"])
    return True


def first_sweep_overdue(account: CivisAccount, now: dt.datetime | None = None) -> bool:
    """True when the sweep asked for has not finished within GATHER_PATIENCE of being asked
    for (no worker runs, or it failed), or none was asked for: the page stops waiting and
    says so instead of polling forever."""
    sweep = ExecutionIndexSweep.objects.filter(account=account).first()
    if sweep is None or sweep.requested_at is None:
        return True
    return (now or timezone.now()) - sweep.requested_at > GATHER_PATIENCE


def _latest_executions(client: CivisClient, workflow_id: int) -> tuple[Any, ...]:
    try:
        return client.list_executions(
            workflow_id, limit=EXECUTIONS_PER_WORKFLOW, order="id", order_dir="desc"
        ).items
    except (errors.NotFound, errors.Forbidden):
        return ()  # gone, or no longer shared with this person since it was listed


def sweep(account: CivisAccount, client: CivisClient) -> int:
    """Refresh one person's index as that person: the latest executions of their most recently
    updated workflows (one list call, then one call per workflow, concurrently). Returns how
    many executions were indexed."""
    workflows = client.list_workflows(
        limit=SWEEP_WORKFLOWS, order="updated_at", order_dir="desc"
    ).items
    found = gather(*(lambda w=w: _latest_executions(client, w.id) for w in workflows))
    written = sum(
        index_executions(account, workflow, executions)
        for workflow, executions in zip(workflows, found, strict=True)
    )
    ExecutionIndexSweep.objects.update_or_create(
        account=account,
        defaults={"swept_at": timezone.now(), "workflows_seen": len(workflows)},
    )
    return written


def active_session_keys() -> dict[int, int]:
    """{CivisAccount id: SessionKey id} for people signed in now (their newest live session):
    the people whose indexes the periodic task keeps fresh."""
    live = set(
        Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True)
    )
    chosen: dict[int, int] = {}
    for key in SessionKey.objects.select_related("user__civis").order_by("created_at", "id"):
        account = getattr(key.user, "civis", None)
        if account is not None and key.session_key in live:
            chosen[account.id] = key.id  # later (newer) sessions win
    return chosen
