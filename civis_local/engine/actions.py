"""Actions: what one attempt of a task does, as simulated items.

An attempt has one item, or one per with-items value. Each item is a job run
(``civis.run_job``, ``civis.scripts.*``...), a child workflow execution
(``civis.workflows.execute``) or a ``std.*`` action. An item knows when it will finish
(``finishAt``) and how (``outcome``) as soon as that is known, so the runner only has to
compare instants. Nothing user-supplied is executed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import yaml

from civis_local.engine import expressions, runner
from civis_local.engine.context import Execution, expression_scope
from civis_local.engine.errors import EngineError
from civis_local.engine.host import DEFAULT_FIXTURE
from civis_local.engine.state import after, civis_state, iso, parse_time

JOB_ACTIONS = ("civis.enhancements.cass_ncoa", "civis.import")
CHILD_ACTION = "civis.workflows.execute"
# A workflow that executes itself would otherwise nest without end (guess: the limit).
MAX_DEPTH = 10


def plan_items(ex: Execution, task: dict[str, Any], moment: datetime) -> list[dict[str, Any]]:
    spec = ex.graph.tasks[task["name"]]
    if spec.with_items is None:
        return [_item(0, {})]
    try:
        bindings = _with_items(spec.with_items, *expression_scope(ex, task))
    except ValueError as error:
        item = _item(0, {})
        _settle(item, moment, "error", str(error))
        item.update(status="running", unplanned=True)
        return [item]
    return [_item(index, binding) for index, binding in enumerate(bindings)]


def reset_item(item: dict[str, Any]) -> None:
    """An item that did not succeed runs again (a retry reruns the failed items only)."""
    item.update(status="pending", finishAt=None, outcome=None, info=None, result=None)
    item.update(runId=None, childId=None)


def result_of(spec: Any, task: dict[str, Any]) -> Any:
    """The task's ``result``: the action's (a list, one per item, for with-items)."""
    items = sorted(task["items"], key=lambda item: item["index"])
    if spec.with_items is not None:
        return [item.get("result") for item in items]
    return items[0].get("result") if items else None


def _item(index: int, binding: dict[str, Any]) -> dict[str, Any]:
    return {
        "index": index,
        "binding": binding,
        "status": "pending",
        "finishAt": None,
        "outcome": None,
        "info": None,
        "runId": None,
        "childId": None,
        "result": None,
    }


def _with_items(raw: Any, variables: dict[str, Any], lookup=None) -> list[dict[str, Any]]:
    """``x in <% $.xs %>`` (or a list of such clauses, zipped) -> one binding per item."""
    clauses = raw if isinstance(raw, list) else [raw]
    columns: list[tuple[str, list[Any]]] = []
    for clause in clauses:
        name, separator, source = str(clause).partition(" in ")
        if not separator:
            raise ValueError(f"Could not read with-items clause: {clause}")
        try:
            values = (
                expressions.evaluate(source.strip(), variables, lookup)
                if expressions.is_expression(source.strip())
                else yaml.safe_load(source)
            )
        except expressions.Unknown as error:
            raise ValueError(str(error)) from error
        except yaml.YAMLError as error:
            raise ValueError(f"Could not read with-items: {source.strip()}") from error
        if not isinstance(values, list):
            raise ValueError(f"with-items did not give a list: {source.strip()}")
        columns.append((name.strip(), values))
    length = min(len(values) for _, values in columns)
    return [{name: values[i] for name, values in columns} for i in range(length)]


def fill_slots(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """Start pending items while fewer than ``concurrency`` run. This goes on while the
    execution is paused: the items belong to an action already started (guess)."""
    limit = ex.graph.tasks[task["name"]].concurrency or len(task["items"])
    for item in task["items"]:
        running = sum(1 for other in task["items"] if other["status"] == "running")
        if running >= limit:
            return
        if item["status"] == "pending":
            item["status"] = "running"
            _start(ex, task, item, moment)


def _start(ex: Execution, task: dict[str, Any], item: dict[str, Any], moment: datetime) -> None:
    spec = ex.graph.tasks[task["name"]]
    data, lookup = expression_scope(ex, task)
    try:
        params = expressions.evaluate(spec.params, {**data, **item["binding"]}, lookup)
    except expressions.Unknown as error:
        _settle(item, moment, "error", str(error))
        return
    action = spec.action
    if spec.workflow:
        # One workflow per document: there is no sub-workflow to call by name (guess).
        _settle(item, moment, "error", f"Workflow not found [name={spec.workflow}]")
    elif action is None or action in ("std.noop", "std.echo"):
        task["output"] = params.get("output")
        item["result"] = params.get("output")
        _settle(item, moment, "success")
    elif action == "std.fail":
        _settle(item, moment, "error", "Fail action expected exception.")
    elif action == "std.async_noop":
        pass  # runs until cancelled or timed out
    elif action == "std.sleep":
        _settle(item, after(moment, params.get("seconds") or 0, ex.speed), "success")
    elif action.startswith("std."):
        _settle(item, moment, "success")  # other std actions are not simulated (guess)
    elif action == "civis.run_job":
        job_id = params.get("job_id")
        if not isinstance(job_id, int):
            _settle(item, moment, "error", f"civis.run_job needs a job_id, got {job_id!r}")
        else:
            _start_run(ex, task, item, job_id, moment)
    elif action.startswith("civis.scripts.") or action in JOB_ACTIONS:
        key = str(item["index"])
        if key not in task["jobIds"]:
            name = str(params.get("name") or task["name"])
            task["jobIds"][key] = ex.host.create_job(name, action, params)
        _start_run(ex, task, item, task["jobIds"][key], moment)
    elif action == CHILD_ACTION:
        _start_child(ex, task, item, params, moment)
    else:
        _settle(item, moment, "error", f"Failed to find action [action_name={action}]")


def _settle(item: dict[str, Any], moment: datetime, outcome: str, info: str | None = None):
    item.update(finishAt=iso(moment), outcome=outcome, info=info)
    if outcome == "error":
        item["result"] = info  # a failed action's result is its error (Mistral)


def _start_run(
    ex: Execution, task: dict[str, Any], item: dict[str, Any], job_id: int, moment: datetime
) -> None:
    fault = ex.host.task_fault(ex.state.get("workflowId"), task["name"])
    fixture = fault or ex.host.job_fixture(job_id) or DEFAULT_FIXTURE
    succeeds = fixture.succeeds(task["attempts"] - 1)
    finish_at = after(moment, fixture.duration_seconds, ex.speed)
    run = {
        "id": ex.host.new_run_id(),
        "jobId": job_id,
        "state": "running",
        "createdAt": iso(moment),
        "startedAt": iso(moment),
        "finishedAt": None,
        "plannedFinishAt": iso(finish_at),
        "plannedState": "succeeded" if succeeds else "failed",
        "executionId": ex.state["id"],
        "taskName": task["name"],
        "error": None if succeeds else "Simulated failure",
    }
    task["runs"].append(run)
    ex.host.record_run(run)
    item["runId"] = run["id"]
    # Wording of a failed run's task info is a guess.
    info = None if succeeds else f"Run {run['id']} of job {job_id} failed"
    _settle(item, finish_at, "success" if succeeds else "error", info)
    if succeeds:  # what a Civis action returns is a guess: the job, its run and the state
        item["result"] = {"job_id": job_id, "run_id": run["id"], "state": run["plannedState"]}


def _start_child(
    ex: Execution,
    task: dict[str, Any],
    item: dict[str, Any],
    params: dict[str, Any],
    moment: datetime,
) -> None:
    workflow_id = params.get("workflow_id")
    definition = ex.host.workflow_definition(workflow_id) if isinstance(workflow_id, int) else None
    if definition is None:
        _settle(item, moment, "error", f"Workflow {workflow_id!r} not found")
        return
    depth = int(ex.state.get("depth") or 0) + 1
    if depth > MAX_DEPTH:
        _settle(item, moment, "error", f"Workflow executions nested deeper than {MAX_DEPTH}")
        return
    try:
        child = runner.start_execution(
            ex.host,
            definition=definition,
            now=moment,
            workflow_id=workflow_id,
            input=params.get("input") or {},
            target_task=params.get("target_task"),
            included_tasks=params.get("included_tasks"),
            speed=ex.speed,
            parent_execution_id=ex.state["id"],
            parent_task_name=task["name"],
            depth=depth,
        )
    except EngineError as error:
        _settle(item, moment, "error", error.message)
        return
    ex.host.save_execution(child)
    item["childId"] = child["id"]
    task["executions"].append({"id": child["id"], "workflowId": workflow_id})
    _follow_child(task, item, child)


def _follow_child(task: dict[str, Any], item: dict[str, Any], child: dict[str, Any]) -> None:
    """Copy what the parent shows of its child; once the child ended, the item ends with it."""
    for summary in task["executions"]:
        if summary["id"] == child["id"]:
            summary.update(
                state=civis_state(child["mistralState"]),
                createdAt=child["createdAt"],
                startedAt=child["startedAt"],
                finishedAt=child["finishedAt"],
            )
    if item["status"] == "running" and child["finishedAt"]:
        ok = child["mistralState"] == "success"
        word = civis_state(child["mistralState"])
        info = None if ok else f"Workflow execution {child['id']} {word}"  # wording: guess
        _settle(item, parse_time(child["finishedAt"]), "success" if ok else "error", info)
        if ok:  # the result of civis.workflows.execute is a guess
            item["result"] = {"execution_id": child["id"], "workflow_id": child["workflowId"],
                              "state": word}  # fmt: skip


def sync_children(ex: Execution, bound: datetime) -> None:
    """Advance running child executions to ``bound`` so their ends become known instants."""
    for task in ex.state["tasks"]:
        if task["phase"] != "action":
            continue
        for item in task["items"]:
            if item["status"] != "running" or item["childId"] is None or item["finishAt"]:
                continue
            child = ex.host.load_execution(item["childId"])
            if child is None:
                _settle(item, bound, "error", f"Workflow execution {item['childId']} not found")
                continue
            runner.advance(child, bound, ex.host)
            ex.host.save_execution(child)
            _follow_child(task, item, child)


def resume_children(ex: Execution, moment: datetime) -> None:
    for task in ex.state["tasks"]:
        for item in task["items"]:
            if item["status"] != "running" or item["childId"] is None:
                continue
            child = ex.host.load_execution(item["childId"])
            if child is not None and child["mistralState"] == "paused":
                runner.resume(child, moment, ex.host)
                ex.host.save_execution(child)
                _follow_child(task, item, child)


def finish_item(ex: Execution, task: dict[str, Any], item: dict[str, Any], moment: datetime):
    item["status"] = item["outcome"]
    if item["runId"] is not None:
        run = _run(task, item["runId"])
        run.update(state=run["plannedState"], finishedAt=run["plannedFinishAt"])
        ex.host.record_run(run)


def cancel_items(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    for item in task["items"]:
        if item["status"] not in ("running", "pending"):
            continue
        if item["status"] == "running" and item["runId"] is not None:
            run = _run(task, item["runId"])
            run.update(state="cancelled", finishedAt=iso(moment), plannedState="cancelled")
            run["plannedFinishAt"] = iso(moment)
            ex.host.record_run(run)
        if item["status"] == "running" and item["childId"] is not None:
            child = ex.host.load_execution(item["childId"])
            if child is not None:
                runner.cancel(child, moment, ex.host)
                ex.host.save_execution(child)
                _follow_child(task, item, child)
        item["status"] = "cancelled"


def _run(task: dict[str, Any], run_id: int) -> dict[str, Any]:
    return next(run for run in task["runs"] if run["id"] == run_id)
