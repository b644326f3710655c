"""The engine's `Host` over our models, and the few operations the views and the background
ticker need: start, advance-on-read, cancel/resume/retry, schedule firings.

Every engine call runs under one process-wide lock: the ticker thread and request threads may
touch the same execution, and the engine mutates its state dict in place. The server is one
process, so a threading lock is enough (a test double, not a scheduler).
"""

import json
import threading
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max

from civis_local import engine
from civis_local.engine.host import JobFixture
from civis_local.engine.state import parse_time as parse_engine_time

from . import render
from .levers import LEVERS, now
from .models import Execution, Job, JobRun, OutboxMessage, User, Workflow
from .workflow_state import refresh_workflow_state

ENGINE_LOCK = threading.RLock()
LIVE = ("running", "paused")
JOB_TYPES = {
    "civis.scripts.python3": "JobTypes::PythonDocker",
    "civis.scripts.r": "JobTypes::RDocker",
    "civis.scripts.sql": "JobTypes::SqlRunner",
    "civis.scripts.container": "JobTypes::ContainerDocker",
    "civis.scripts.custom": "JobTypes::CustomScript",
    "civis.import": "JobTypes::Import",
    "civis.enhancements.cass_ncoa": "JobTypes::CassNcoa",
}


def parse_time(text: str | None) -> datetime | None:
    return parse_engine_time(text) if text else None


class ModelHost:
    """Implements engine.Host. `workflow` and `user` are the context of the top-level
    execution: jobs created by script tasks belong to that workflow's owner."""

    _id_lock = threading.Lock()
    _last_ids: dict[str, int] = {}

    def __init__(self, workflow: Workflow, user: User):
        self.workflow, self.user = workflow, user

    def _next_id(self, model) -> int:
        with self._id_lock:
            key = model.__name__
            stored = model.objects.aggregate(top=Max("id"))["top"] or 0
            self._last_ids[key] = max(stored, self._last_ids.get(key, 0)) + 1
            return self._last_ids[key]

    def new_execution_id(self) -> int:
        return self._next_id(Execution)

    def new_run_id(self) -> int:
        return self._next_id(JobRun)

    def job_fixture(self, job_id: int) -> JobFixture | None:
        job = Job.objects.filter(id=job_id).only("fixture").first()
        if job is None or not job.fixture:
            return None
        fixture = job.fixture
        return JobFixture(
            duration_seconds=float(fixture.get("duration", 30)),
            outcome=fixture.get("outcome", "succeed"),
            fail_times=int(fixture.get("fail_times", 0)),
        )

    def task_fault(self, workflow_id: int | None, task_name: str) -> JobFixture | None:
        fault = LEVERS.fault_for(workflow_id, task_name)
        if fault is None:
            return None
        return JobFixture(
            duration_seconds=float(fault.get("duration", 30)),
            outcome=fault.get("outcome", "fail"),
            fail_times=int(fault.get("fail_times", 0)),
        )

    def create_job(self, name: str, action: str, params: dict[str, Any]) -> int:
        at = now()
        job = Job.objects.create(
            name=name,
            type=JOB_TYPES.get(action, "JobTypes::ContainerDocker"),
            author_id=self.workflow.user_id,
            workflow=self.workflow,
            created_at=at,
            updated_at=at,
        )
        return job.id

    def record_run(self, run: dict[str, Any]) -> None:
        if not Job.objects.filter(id=run["jobId"]).exists():
            # civis.run_job of a job id that does not exist here: the engine still simulates it
            at = now()
            Job.objects.create(id=run["jobId"], name=f"Job #{run['jobId']}",
                               author_id=self.workflow.user_id, workflow=self.workflow,
                               created_at=at, updated_at=at)  # fmt: skip
        JobRun.objects.update_or_create(id=run["id"], defaults=run_columns(run))

    def workflow_definition(self, workflow_id: int) -> str | None:
        return Workflow.objects.filter(id=workflow_id).values_list("definition", flat=True).first()

    def load_execution(self, execution_id: int) -> dict[str, Any] | None:
        return (
            Execution.objects.filter(id=execution_id).values_list("engine_state", flat=True).first()
        )

    def save_execution(self, state: dict[str, Any]) -> None:
        store(state, self.user)
        child_workflow = Workflow.objects.filter(id=state["workflowId"]).first()
        if child_workflow is not None:
            refresh_workflow_state(child_workflow, now())

    def notification_settings(self, workflow_id: int | None) -> dict[str, Any] | None:
        workflow = Workflow.objects.filter(id=workflow_id).first() if workflow_id else None
        return render.notifications(workflow) if workflow else None

    def notify(self, event: dict[str, Any]) -> None:
        OutboxMessage.objects.create(
            kind=str(event.get("kind") or event.get("type") or "notification"),
            workflow_id=event.get("workflowId"),
            execution_id=event.get("executionId"),
            event=event,
            created_at=now(),
        )


def run_columns(run: dict[str, Any]) -> dict[str, Any]:
    """A JobRun's columns from an engine run (the run itself is kept to render it later)."""
    return {
        "job_id": run["jobId"],
        "state": run["state"],
        "error": run.get("error"),
        "created_at": parse_time(run.get("createdAt")) or now(),
        "started_at": parse_time(run.get("startedAt")),
        "finished_at": parse_time(run.get("finishedAt")),
        "engine_run": run,
    }


def execution_columns(state: dict[str, Any]) -> dict[str, Any]:
    """An Execution's columns from an engine state: the state and the wire fields of it."""
    at = now()
    return {
        "workflow_id": state["workflowId"],
        "parent_id": state.get("parentExecutionId"),
        "state": engine.civis_state(state["mistralState"]),
        "mistral_state": state["mistralState"],
        "mistral_state_info": state.get("mistralStateInfo"),
        "definition": state.get("definition") or "",
        "input": state.get("input") or {},
        "included_tasks": state.get("includedTasks") or [],
        "target_task": state.get("targetTask"),
        "engine_state": state,
        "started_at": parse_time(state.get("startedAt")),
        "finished_at": parse_time(state.get("finishedAt")),
        "created_at": parse_time(state.get("createdAt")) or at,
        "updated_at": parse_time(state.get("updatedAt")) or at,
    }


def store(state: dict[str, Any], user: User) -> Execution:
    """Write an engine state and the wire columns derived from it (insert or update)."""
    fields = execution_columns(state)
    execution, created = Execution.objects.update_or_create(
        id=state["id"], defaults=fields, create_defaults={**fields, "user": user}
    )
    return execution


def _finish(execution_state: dict, workflow: Workflow, user: User) -> Execution:
    execution = store(execution_state, user)
    refresh_workflow_state(workflow, now())
    return execution


def start(workflow: Workflow, user: User, body: dict) -> Execution:
    at = now()
    with ENGINE_LOCK, transaction.atomic():
        active = list(
            workflow.executions.filter(mistral_state__in=LIVE).values_list(
                "mistral_state", flat=True
            )
        )
        engine.ensure_can_start(workflow.allow_concurrent_executions, active)
        host = ModelHost(workflow, user)
        state = engine.start_execution(
            host,
            definition=workflow.definition,
            now=at,
            workflow_id=workflow.id,
            input=body.get("input") or {},
            target_task=body.get("target_task"),
            included_tasks=body.get("included_tasks") or None,
            speed=LEVERS.speed,
            execution_id=host.new_execution_id(),
        )
        return _finish(state, workflow, user)


def advance(execution: Execution) -> Execution:
    """Advance-on-read: bring a live execution up to the clock before showing it."""
    if execution.engine_state is None or execution.mistral_state not in LIVE:
        return execution
    if execution.parent_id is not None:  # children move with their parent: advance the root
        root = Execution.objects.get(id=execution.parent_id)
        advance(root)
        return Execution.objects.select_related("user").get(id=execution.id)
    with ENGINE_LOCK, transaction.atomic():
        fresh = Execution.objects.select_related("workflow", "user").get(id=execution.id)
        host = ModelHost(fresh.workflow, fresh.user)
        before = _fingerprint(fresh.engine_state)
        state = engine.advance(fresh.engine_state, now(), host)
        if _fingerprint(state) == before:
            return fresh  # nothing happened since the last read: no write, no lock held long
        return _finish(state, fresh.workflow, fresh.user)


def _fingerprint(state: dict) -> str:
    """The state without the instant it was advanced to (which moves on every read)."""
    return json.dumps({k: v for k, v in state.items() if k != "clock"}, sort_keys=True)


def command(execution: Execution, action: str, task_name: str | None = None) -> Execution:
    """cancel / resume / retry through the engine (EngineError carries the 4xx status)."""
    if execution.engine_state is None:
        return _command_without_state(execution, action)
    with ENGINE_LOCK, transaction.atomic():
        fresh = Execution.objects.select_related("workflow", "user").get(id=execution.id)
        host = ModelHost(fresh.workflow, fresh.user)
        state = engine.advance(fresh.engine_state, now(), host)
        if action == "cancel":
            state = engine.cancel(state, now(), host)
        elif action == "resume":
            state = engine.resume(state, now(), host)
        else:
            state = engine.retry(state, now(), host, task_name=task_name)
        return _finish(state, fresh.workflow, fresh.user)


def _command_without_state(execution: Execution, action: str) -> Execution:
    """Seeded history has no engine state (but for each workflow's latest failure, see
    seeds/retryable.py); it is all finished, so cancel and resume change nothing (as for any
    terminal execution) and retry is refused like a non-failed one."""
    if action == "retry":
        raise engine.EngineError(
            "This execution is too old to retry; only recent executions keep their state.", 409
        )
    return execution


def tick_all() -> int:
    """Advance every live top-level execution and fire due schedules; returns how many
    executions were touched."""
    touched = 0
    live = Execution.objects.filter(
        mistral_state__in=LIVE, parent__isnull=True, engine_state__isnull=False
    )
    for execution in live.only("id", "mistral_state", "parent_id", "engine_state"):
        advance(execution)
        touched += 1
    for workflow in Workflow.objects.filter(
        scheduled=True, archived=False, next_execution_at__lte=now()
    ).select_related("user"):
        touched += fire(workflow)
    return touched


def fire(workflow: Workflow) -> int:
    """Start the executions a schedule owes since its last due time (skips while running
    when concurrency is off); then recompute nextExecutionAt."""
    at = now()
    with ENGINE_LOCK, transaction.atomic():
        # The ticker thread and a clock request may both have found it due: fire it once.
        workflow.refresh_from_db(fields=["next_execution_at"])
        if workflow.next_execution_at is None or workflow.next_execution_at > at:
            return 0
        live = workflow.executions.filter(mistral_state__in=LIVE, engine_state__isnull=False)
        active = [execution.engine_state for execution in live.select_related("user")]
        after = max(workflow.next_execution_at - timedelta(milliseconds=1), at - timedelta(days=1))
        host = ModelHost(workflow, workflow.user)
        states = engine.fire_schedule(
            host,
            workflow_id=workflow.id,
            definition=workflow.definition,
            schedule=render.schedule(workflow),
            time_zone=workflow.time_zone,
            allow_concurrent=workflow.allow_concurrent_executions,
            after=after,
            until=at,
            active=active,
            speed=LEVERS.speed,
        )
        for state in active + states:  # fire_schedule advanced the active ones too
            store(state, workflow.user)
        refresh_workflow_state(workflow, at)
    return len(states)


def seed_live_executions(workflows: list[Workflow], at: datetime) -> None:
    """A few executions happening right now, made by the engine itself on a clock a little in
    the past: paused before an approval step (real speed: they reach the pause and stay),
    running (a fiftieth of real speed, so still running hours later, in a demo or at the end
    of a long test session), and one that just failed and succeeds when retried (its
    transform job fails once, then works)."""
    by_shape: dict[str, list[Workflow]] = {}
    for workflow in workflows:
        for shape, marker in SHAPE_MARKERS.items():
            if marker in workflow.definition:
                by_shape.setdefault(shape, []).append(workflow)
    plans = [(w, 20, 1.0) for w in by_shape["approval"][:2]]
    plans += [(w, 5, SLOW) for shape in ("linear", "fanout", "handled", "retry")
              for w in by_shape[shape][:2]]  # fmt: skip
    broken = by_shape["linear"][2]
    Job.objects.filter(workflow=broken, name__startswith="Transform").update(
        fixture={"duration": 420, "outcome": "fail_then_succeed", "fail_times": 1}
    )
    plans.append((broken, 30, 1.0))
    for workflow, minutes_ago, speed in plans:
        host = ModelHost(workflow, workflow.user)
        state = engine.start_execution(
            host, definition=workflow.definition, now=at - timedelta(minutes=minutes_ago),
            workflow_id=workflow.id, speed=speed, execution_id=host.new_execution_id(),
        )  # fmt: skip
        store(engine.advance(state, at, host), workflow.user)
        refresh_workflow_state(workflow, at)


SLOW = 0.02
SHAPE_MARKERS = {
    "approval": "report_with_approval:",
    "linear": "etl:",
    "fanout": "fan_out_and_join:",
    "handled": "score_with_alert:",
    "retry": "vendor_import:",
}
