"""Past executions written straight in their final, rendered shape (no engine state: a finished
execution never changes again; retry needs engine state, so retryable.py replays the latest
failed one of each workflow through the engine).
Ids are allocated here so that bulk inserts can reference each other without read-backs."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from civis_local.engine.flow import failure_info as engine_failure_info

from ..models import Execution, JobRun, Workflow
from ..wire import timestamp

OUTCOMES = [("succeeded", 70), ("failed", 18), ("cancelled", 7), ("succeeded_retry", 5)]
ERRORS = [
    "Process failed with exit code 1: KeyError: 'precinct_id'",
    'Redshift: relation "staging.voters_2026" does not exist',
    "Connection to sftp.vendor.example timed out after 300 s",
    "Memory limit of 8 GiB exceeded",
    "Upstream file had 0 rows; refusing to publish an empty table",
]


@dataclass
class Step:
    """One task of a workflow as the history writer sees it."""

    name: str
    job_id: int | None = None
    child_workflow_id: int | None = None
    duration: float = 60.0
    handler: str | None = None  # an on-error task: its failure is handled, the run succeeds
    retries: int = 0  # retry count: a failing step fails that many more times first
    retry_delay: float = 0.0
    items: int = 0  # with-items: one run per item, two at a time
    alongside: bool = False  # a branch: starts with the step before it, not after it
    join: bool = False  # join: all over the branches just before it


@dataclass
class Ids:
    execution: int
    run: int

    def next_execution(self) -> int:
        self.execution += 1
        return self.execution

    def next_run(self) -> int:
        self.run += 1
        return self.run


@dataclass
class History:
    executions: list[Execution] = field(default_factory=list)
    runs: list[JobRun] = field(default_factory=list)


def _outcome(rng: random.Random) -> str:
    names, weights = zip(*OUTCOMES, strict=True)
    return rng.choices(names, weights)[0]


def _run(ids: Ids, history: History, job_id: int, state: str, start, end, error=None) -> dict:
    run = JobRun(
        id=ids.next_run(),
        job_id=job_id,
        state=state,
        error=error,
        created_at=start,
        started_at=start,
        finished_at=end,
    )
    history.runs.append(run)
    return {
        "id": run.id,
        "jobId": job_id,
        "state": state,
        "createdAt": timestamp(start),
        "startedAt": timestamp(start),
        "finishedAt": timestamp(end),
    }


def write_execution(
    workflow: Workflow,
    steps: list[Step],
    started: datetime,
    rng: random.Random,
    ids: Ids,
    history: History,
    outcome: str | None = None,
    parent: int | None = None,
) -> Execution:
    outcome = outcome or _outcome(rng)
    execution_id = ids.next_execution()
    failing = rng.randrange(len(steps)) if outcome in {"failed", "cancelled"} else None
    at, tasks = started, []
    branch_start, branches_end, failed_branches = started, started, []
    # Branches that go on after another branch failed draw from their own generator, so the
    # seed's main sequence (and so every later workflow's history) stays as it was.
    after_failure = random.Random(execution_id)
    for index, step in enumerate(steps):
        draw = after_failure if failed_branches else rng
        duration = timedelta(seconds=step.duration * draw.uniform(0.7, 1.4))
        if step.alongside:  # branches start together; the join waits for the last of them
            at = branch_start
        elif step.join:
            at = branches_end
            if failed_branches:  # Mistral: the join can no longer be reached, so it fails
                names = [t["name"] for t in tasks if t["name"] in failed_branches]
                tasks.append({"name": step.name, "mistralState": "error", "runs": [],
                              "executions": [],
                              "mistralStateInfo": f"Failed by tasks: {names}"})  # fmt: skip
                break
        branch_start = at
        task = {"name": step.name, "mistralStateInfo": None, "runs": [], "executions": []}
        if index == failing and outcome == "cancelled":
            end = at + duration / 2
            task["mistralState"] = "cancelled"
            if step.job_id:
                task["runs"].append(_run(ids, history, step.job_id, "cancelled", at, end))
            tasks.append(task)
            at = end
            break
        fails = index == failing
        if fails and step.job_id and step.items:
            error = rng.choice(ERRORS)
            for item in range(step.items):  # two at a time; the last item fails
                start = at + duration * (item // 2)
                last = item == step.items - 1
                state, why = ("failed", error) if last else ("succeeded", None)
                end = start + duration
                task["runs"].append(_run(ids, history, step.job_id, state, start, end, why))
            task["runs"].reverse()
            task.update(mistralState="error", mistralStateInfo="One or more actions had failed.")
            tasks.append(task)
            at += duration * ((step.items + 1) // 2)
            break
        if fails and step.job_id and step.retries:
            for _ in range(step.retries):  # the retry policy's attempts fail the same way
                end = at + duration
                task["runs"].append(_run(ids, history, step.job_id, "failed", at, end,
                                         rng.choice(ERRORS)))  # fmt: skip
                at = end + timedelta(seconds=step.retry_delay)
        if step.job_id and outcome == "succeeded_retry" and index == 0:
            end = at + duration
            task["runs"].append(_run(ids, history, step.job_id, "failed", at, end,
                                     rng.choice(ERRORS)))  # fmt: skip
            at = end + timedelta(seconds=60)
        end = at + duration
        error = rng.choice(ERRORS) if fails else None
        if step.job_id:
            state = "failed" if fails else "succeeded"
            task["runs"].append(_run(ids, history, step.job_id, state, at, end, error))
        if step.child_workflow_id:
            child = write_child(step, at, end, fails, ids)
            child.parent_id = execution_id
            history.executions.append(child)
            task["executions"].append(child_summary(child))
        task["runs"].reverse()  # the wire lists runs in descending order by id
        task["mistralState"] = "error" if fails else "success"
        if fails and step.job_id:
            task["mistralStateInfo"] = error
        elif fails:  # the engine's wording for a failed child execution
            task["mistralStateInfo"] = f"Workflow execution {task['executions'][0]['id']} failed"
        tasks.append(task)
        at = end
        branches_end = max(branches_end, end)
        next_step = steps[index + 1] if index + 1 < len(steps) else None
        if fails and next_step is not None and (next_step.alongside or next_step.join):
            # An unhandled error does not stop the other branches: they run to their end.
            failed_branches.append(step.name)
            continue
        if fails and step.handler:  # on-error handles it: the handler runs, the run succeeds
            tasks.append({"name": step.handler, "mistralState": "success",
                          "mistralStateInfo": None, "runs": [], "executions": []})  # fmt: skip
            outcome = "succeeded"
            break
        if fails:
            break
    state = {"succeeded_retry": "succeeded"}.get(outcome, outcome)
    mistral = {"succeeded": "success", "failed": "error", "cancelled": "cancelled"}[state]
    info = {
        "success": None,
        # Every task in error, sorted by name with a line each (the engine's own wording).
        "error": engine_failure_info([t for t in tasks if t["mistralState"] == "error"]),
        "cancelled": "Cancelled by user",
    }[mistral]
    execution = Execution(
        id=execution_id,
        workflow_id=workflow.id,
        user_id=workflow.user_id,
        parent_id=parent,
        state=state,
        mistral_state=mistral,
        mistral_state_info=info,
        definition=workflow.definition,
        tasks=tasks,
        started_at=started,
        finished_at=at,
        created_at=started,
        updated_at=at,
    )
    history.executions.append(execution)
    return execution


def write_child(step: Step, start, end, fails: bool, ids: Ids) -> Execution:
    child_workflow = Workflow.objects.only("id", "user_id", "definition").get(
        id=step.child_workflow_id
    )
    return Execution(
        id=ids.next_execution(),
        workflow_id=child_workflow.id,
        user_id=child_workflow.user_id,
        state="failed" if fails else "succeeded",
        mistral_state="error" if fails else "success",
        mistral_state_info=failure_info("load", "Simulated failure") if fails else None,
        definition=child_workflow.definition,
        tasks=[],
        started_at=start,
        finished_at=end,
        created_at=start,
        updated_at=end,
    )


def failure_info(task: str | None, task_info: str | None) -> str:
    """The engine's (Mistral's) wording for an execution failed by one task."""
    return f"Failure caused by error in tasks: {task}\n\n  {task} -> {task_info}\n"


def child_summary(child: Execution) -> dict:
    return {
        "id": child.id,
        "workflowId": child.workflow_id,
        "state": child.state,
        "createdAt": timestamp(child.created_at),
        "startedAt": timestamp(child.started_at),
        "finishedAt": timestamp(child.finished_at),
    }


def spaced_starts(count: int, end: datetime, rng: random.Random, every_hours: float) -> list:
    """`count` start times before `end`, oldest first, about `every_hours` apart."""
    starts, at = [], end
    for _ in range(count):
        at -= timedelta(hours=every_hours * rng.uniform(0.8, 1.2))
        starts.append(at)
    return list(reversed(starts))
