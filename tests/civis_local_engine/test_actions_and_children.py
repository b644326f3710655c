"""Actions (SIMULATOR.md "Actions") and reverse workflows, through the in-memory host."""

import copy

import pytest

from civis_local import engine
from civis_local.engine import EngineError

from .helpers import at, host, iso_at, job, start, states, task, workflow


def test_run_job_appends_a_run_of_that_job():
    definition = workflow(
        """
        a:
          action: civis.run_job
          input: {job_id: 77}
        """
    )
    h = host()
    h.fixtures = {77: job(45)}
    state, _ = start(definition, h)
    run = task(state, "a")["runs"][0]
    assert run["jobId"] == 77
    assert run["state"] == "running"
    assert h.runs[run["id"]]["plannedFinishAt"] == iso_at(45)
    engine.advance(state, at(45), h)
    assert task(state, "a")["runs"][0]["state"] == "succeeded"
    assert h.runs[run["id"]]["state"] == "succeeded"


def test_script_actions_create_a_job_named_after_the_task_or_its_name_input():
    definition = workflow(
        """
        clean:
          action: civis.scripts.python3
        geocode:
          action: civis.enhancements.cass_ncoa
          input: {name: "Geocode voters"}
        pull:
          action: civis.import
        """
    )
    state, h = start(definition)
    assert sorted(job["name"] for job in h.jobs.values()) == ["Geocode voters", "clean", "pull"]
    assert {j["action"] for j in h.jobs.values()} == {
        "civis.scripts.python3",
        "civis.enhancements.cass_ncoa",
        "civis.import",
    }
    # Without a fixture a script succeeds after a short duration.
    engine.advance(state, at(engine.DEFAULT_FIXTURE.duration_seconds), h)
    assert state["mistralState"] == "success"


def test_std_actions():
    definition = workflow(
        """
        echo:
          action: std.echo output="hello"
        wait:
          action: std.async_noop
          timeout: 300
        """
    )
    state, h = start(definition)
    assert task(state, "echo")["mistralState"] == "success"
    assert task(state, "echo")["output"] == "hello"
    engine.advance(state, at(299), h)
    assert task(state, "wait")["mistralState"] == "running"
    engine.advance(state, at(300), h)
    assert task(state, "wait")["mistralStateInfo"] == "Task timed out [timeout(s)=300]."


def test_an_unknown_action_is_an_error():
    state, _ = start(workflow("a:\n  action: my.own.action\n"))
    assert (
        task(state, "a")["mistralStateInfo"] == "Failed to find action [action_name=my.own.action]"
    )


CHILD = workflow(
    """
    child_step:
      action: civis.scripts.python3
    """
)
PARENT = workflow(
    """
    call:
      action: civis.workflows.execute
      input: {workflow_id: 20}
      on-success: [after]
    after:
      action: std.noop
    """
)


def child_host(**fixtures):
    h = host(**fixtures)
    h.workflows = {20: CHILD}
    return h


def test_child_execution_is_created_listed_and_followed_to_success():
    h = child_host(child_step=job(100))
    state, _ = start(PARENT, h)
    [summary] = task(state, "call")["executions"]
    child = h.executions[summary["id"]]
    assert child["workflowId"] == 20
    assert child["parentExecutionId"] == state["id"]
    assert summary["state"] == "running"
    engine.advance(state, at(100), h)
    assert task(state, "call")["mistralState"] == "success"
    assert task(state, "call")["finishedAt"] == iso_at(100)
    assert task(state, "call")["executions"][0]["state"] == "succeeded"
    assert h.executions[summary["id"]]["mistralState"] == "success"
    assert state["mistralState"] == "success"


def test_failed_child_makes_the_task_fail():
    h = child_host(child_step=job(100, "fail"))
    state, _ = start(PARENT, h)
    engine.advance(state, at(500), h)
    assert task(state, "call")["mistralState"] == "error"
    assert task(state, "call")["executions"][0]["state"] == "failed"
    assert state["mistralState"] == "error"


def test_cancelled_child_makes_the_task_fail():
    h = child_host(child_step=job(100))
    state, _ = start(PARENT, h)
    child = h.executions[task(state, "call")["executions"][0]["id"]]
    engine.cancel(child, at(30), h)
    engine.advance(state, at(31), h)
    assert task(state, "call")["mistralState"] == "error"
    assert task(state, "call")["finishedAt"] == iso_at(30)


def test_missing_child_workflow_is_an_error():
    state, _ = start(PARENT, host())
    assert task(state, "call")["mistralState"] == "error"


def test_cancel_cancels_tasks_runs_and_children():
    h = child_host(child_step=job(100))
    definition = workflow(
        """
        call:
          action: civis.workflows.execute
          input: {workflow_id: 20}
        script:
          action: civis.scripts.python3
        """
    )
    state, _ = start(definition, h)
    engine.cancel(state, at(10), h)
    assert state["mistralState"] == "cancelled"
    assert state["finishedAt"] == iso_at(10)
    assert states(state) == {"call": "cancelled", "script": "cancelled"}
    assert task(state, "script")["runs"][0]["state"] == "cancelled"
    child = h.executions[task(state, "call")["executions"][0]["id"]]
    assert child["mistralState"] == "cancelled"
    assert child["tasks"][0]["runs"][0]["state"] == "cancelled"


def test_cancel_of_an_ended_execution_changes_nothing():
    state, h = start(workflow("a:\n  action: std.noop\n"))
    before = copy.deepcopy(state)
    engine.cancel(state, at(10), h)
    assert state == before


def test_resume_resumes_paused_children():
    paused_child = workflow(
        """
        gate:
          action: std.noop
          pause-before: true
        """
    )
    definition = workflow(
        """
        call:
          action: civis.workflows.execute
          input: {workflow_id: 20}
        hold:
          action: std.noop
          on-success: [pause]
        """
    )
    h = host()
    h.workflows = {20: paused_child}
    state, _ = start(definition, h)
    child_id = task(state, "call")["executions"][0]["id"]
    assert state["mistralState"] == "paused"
    assert h.executions[child_id]["mistralState"] == "paused"
    engine.resume(state, at(5), h)
    assert h.executions[child_id]["mistralState"] == "success"
    assert state["mistralState"] == "success"
    assert task(state, "call")["finishedAt"] == iso_at(5)


def test_resume_of_a_running_execution_changes_nothing():
    state, h = start(workflow("a:\n  action: civis.scripts.python3\n"))
    before = repr(state)
    engine.resume(state, at(1), h)
    assert repr(state) == before


REVERSE = workflow(
    """
    fetch:
      action: civis.scripts.python3
    clean:
      action: civis.scripts.python3
      requires: [fetch]
    report:
      action: civis.scripts.python3
      requires: [clean]
    unrelated:
      action: civis.scripts.python3
    """,
    kind="reverse",
)


def test_reverse_workflow_runs_the_requires_closure_of_the_target():
    state, h = start(REVERSE, host(fetch=job(10), clean=job(10)), target_task="clean")
    assert states(state) == {"fetch": "running"}
    engine.advance(state, at(20), h)
    assert states(state) == {"fetch": "success", "clean": "success"}
    assert state["mistralState"] == "success"
    assert state["finishedAt"] == iso_at(20)


def test_reverse_workflow_stops_at_a_failed_requirement():
    state, h = start(REVERSE, host(fetch=job(10, "fail")), target_task="report")
    engine.advance(state, at(100), h)
    assert states(state) == {"fetch": "error"}
    assert state["mistralStateInfo"].startswith("Failure caused by error in tasks: fetch\n")


def test_reverse_workflow_needs_a_known_target():
    with pytest.raises(EngineError):
        start(REVERSE)
    with pytest.raises(EngineError):
        start(REVERSE, target_task="nope")


def test_a_workflow_executing_itself_stops_at_the_nesting_limit():
    h = host()
    h.workflows = {20: PARENT}
    state, _ = start(PARENT, h)
    depth, current = 0, state
    while task(current, "call")["executions"]:
        current = h.executions[task(current, "call")["executions"][0]["id"]]
        depth += 1
    assert depth == 10
    assert task(current, "call")["mistralStateInfo"] == "Workflow executions nested deeper than 10"
