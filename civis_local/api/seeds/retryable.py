"""The latest failed execution of each seeded workflow, made again by the engine on a past
clock so that it keeps engine state and "Retry failed tasks" works on it (the rest of the
history is written in its final shape and can only be read).

The engine replays the written execution: same id, start, run durations and error text, with
the job of its failing step forced to fail and every other job forced to succeed. What a retry
does afterwards is up to the jobs' stored fixtures (most succeed; a job whose fixture is `fail`
fails again, a later step whose fixture is `fail_then_succeed` fails on its first attempt).
All in memory: the rows replace the written ones in the history before its bulk insert."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from civis_local import engine
from civis_local.engine import InMemoryHost, JobFixture
from civis_local.engine.flow import failure_info

from ..execution_host import execution_columns, run_columns
from ..models import Execution, Job, JobRun, Workflow
from .history import ERRORS, History, Ids, Step


class ReplayHost(InMemoryHost):
    """Jobs take as long as they took in the written execution (else their fixture's
    duration) and only the `failing` one fails. Hands out the replaced execution's run and
    child ids first, then fresh ones, so the replay keeps the ids (and order) it replaces."""

    def __init__(self, ids: Ids, written: Execution, durations: dict[int, float], failing: int,
                 definitions: dict[int, str]):  # fmt: skip
        super().__init__(workflows=definitions)
        self.ids, self.durations, self.failing = ids, durations, failing
        self.run_ids = sorted(run["id"] for task in written.tasks for run in task["runs"])
        self.child_ids = [child["id"] for task in written.tasks for child in task["executions"]]

    def job_fixture(self, job_id: int) -> JobFixture:
        outcome = "fail" if job_id == self.failing else "succeed"
        return JobFixture(self.durations.get(job_id, 30.0), outcome)

    def new_execution_id(self) -> int:
        return self.child_ids.pop(0) if self.child_ids else self.ids.next_execution()

    def new_run_id(self) -> int:
        return self.run_ids.pop(0) if self.run_ids else self.ids.next_run()


def make_latest_failures_retryable(
    latest: dict[int, tuple[Execution, list[Step]]],
    workflows: list[Workflow],
    history: History,
    ids: Ids,
    at: datetime,
) -> None:
    """Replace, in `history`, each workflow's latest failed execution (`latest`: workflow id
    -> that execution and the workflow's steps) by an engine-run one failed at the same step."""
    definitions = {workflow.id: workflow.definition for workflow in workflows}
    durations = {
        job_id: float((fixture or {}).get("duration", 30))
        for job_id, fixture in Job.objects.values_list("id", "fixture")
    }
    gone_executions: set[int] = set()
    gone_runs: set[int] = set()
    executions: list[Execution] = []
    runs: list[JobRun] = []
    for written, steps in latest.values():
        replay = _replay(written, steps, definitions, durations, ids, at)
        if replay is None:
            continue  # no step of this shape can end it failed: the written one stays
        gone_executions.add(written.id)
        for task in written.tasks:
            gone_executions.update(child["id"] for child in task["executions"])
            gone_runs.update(run["id"] for run in task["runs"])
        for state in replay:
            columns = execution_columns(state)
            executions.append(Execution(id=state["id"], user_id=written.user_id, **columns))
            runs.extend(
                JobRun(id=run["id"], **run_columns(run))
                for task in state["tasks"]
                for run in task["runs"]
            )
    history.executions = [e for e in history.executions if e.id not in gone_executions]
    history.executions.extend(executions)
    history.runs = [run for run in history.runs if run.id not in gone_runs]
    history.runs.extend(runs)


def _replay(written, steps, definitions, durations, ids, at) -> list[dict[str, Any]] | None:
    """The engine states (the execution, then its children) of a replay that failed by `at`,
    trying the written failing step first, then the others (a step with an on-error handler
    or a pause before it cannot end the execution failed); None if none does."""
    failed_task = next(task for task in written.tasks if task["mistralState"] == "error")
    error = failed_task["mistralStateInfo"]
    if error not in ERRORS:  # a failed child workflow: say what failed in it
        error = ERRORS[written.id % len(ERRORS)]
    took = {
        run["jobId"]: (_time(run["finishedAt"]) - _time(run["startedAt"])).total_seconds()
        for task in written.tasks
        for run in task["runs"]
    }
    target = steps[-1].name if "type: reverse" in written.definition else None
    for failing in _candidates(steps, failed_task["name"]):
        host = ReplayHost(ids, written, {**durations, **took}, failing, definitions)
        state = engine.start_execution(
            host, definition=written.definition, now=written.started_at,
            workflow_id=written.workflow_id, target_task=target, execution_id=written.id,
        )  # fmt: skip
        engine.advance(state, at, host)
        if state["mistralState"] == "error":
            _say_why(state, error)
            return [state, *host.executions.values()]
    return None


def _candidates(steps: list[Step], failed: str) -> Iterator[int]:
    """Job ids to fail: the written failing step's, then the later steps', then the earlier."""
    start = next(index for index, step in enumerate(steps) if step.name == failed)
    for step in steps[start:] + steps[:start]:
        if step.job_id:
            yield step.job_id


def _say_why(state: dict[str, Any], error: str) -> None:
    """The written history's error text on the failed runs and tasks, not the engine's
    placeholder (a with-items task keeps "One or more actions had failed."); the execution's
    failure message is written again with it."""
    for task in state["tasks"]:
        failed = [run for run in task["runs"] if run["plannedState"] == "failed"]
        for run in failed:
            run["error"] = error
        info = task["mistralStateInfo"] or ""
        if failed and task["mistralState"] == "error" and info.startswith("Run "):
            task["mistralStateInfo"] = error
    unhandled = [t for t in state["tasks"] if t["mistralState"] == "error" and not t["handled"]]
    if unhandled:
        state["mistralStateInfo"] = failure_info(unhandled)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
