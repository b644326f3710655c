"""Execution retry (SIMULATOR.md "Cancel, resume, retry"); cancel and resume are covered with
children in test_actions_and_children.py."""

import pytest

from civis_local import engine
from civis_local.engine import EngineError

from .helpers import at, host, iso_at, job, start, states, task, workflow

FLAKY = workflow(
    """
    load:
      action: civis.scripts.python3
      retry: {count: 1, delay: 10}
      on-success: [publish]
    publish:
      action: std.noop
    """
)


def failed_execution():
    # Fails twice (both policy attempts), then succeeds on the execution retry.
    h = host(load=job(20, "fail_then_succeed", fail_times=2))
    state, _ = start(FLAKY, h)
    engine.advance(state, at(100), h)
    assert state["mistralState"] == "error"
    return state, h


def test_retry_runs_the_errored_task_again_with_a_new_run_and_a_fresh_counter():
    state, h = failed_execution()
    assert state["finishedAt"] == iso_at(50)
    engine.retry(state, at(200), h)
    assert state["mistralState"] == "running"
    assert state["finishedAt"] is None
    load = task(state, "load")
    assert load["mistralState"] == "running"
    assert load["retriesUsed"] == 0
    assert len(load["runs"]) == 3
    assert load["runs"][-1]["startedAt"] == iso_at(200)
    engine.advance(state, at(220), h)
    assert states(state) == {"load": "success", "publish": "success"}
    assert state["mistralState"] == "success"
    assert state["finishedAt"] == iso_at(220)


def test_retry_by_task_name():
    state, h = failed_execution()
    engine.retry(state, at(200), h, task_name="load")
    assert task(state, "load")["mistralState"] == "running"


def test_retry_is_refused_unless_the_execution_failed():
    state, h = start(workflow("a:\n  action: civis.scripts.python3\n"))
    with pytest.raises(EngineError) as refused:
        engine.retry(state, at(1), h)
    assert refused.value.status == 409
    assert "Only a failed execution can be retried" in refused.value.message


def test_retry_is_refused_for_a_task_not_in_error_or_unknown():
    definition = workflow(
        """
        good:
          action: std.noop
        bad:
          action: std.fail
        """
    )
    state, h = start(definition)
    with pytest.raises(EngineError) as not_in_error:
        engine.retry(state, at(1), h, task_name="good")
    assert not_in_error.value.status == 409
    with pytest.raises(EngineError) as unknown:
        engine.retry(state, at(1), h, task_name="nope")
    assert unknown.value.status == 404


def test_retry_puts_downstream_joins_back_to_waiting():
    definition = workflow(
        """
        a:
          action: civis.scripts.python3
          on-success: [merge]
        b:
          action: civis.scripts.python3
          on-success: [merge]
        merge:
          action: std.noop
          join: all
        """
    )
    h = host(a=job(10), b=job(20, "fail_then_succeed", fail_times=1))
    state, _ = start(definition, h)
    engine.advance(state, at(20), h)
    assert task(state, "merge")["mistralState"] == "error"
    engine.retry(state, at(30), h, task_name="b")
    assert task(state, "merge")["mistralState"] == "waiting"
    assert task(state, "merge")["mistralStateInfo"] == "Blocked by tasks: ['b']"
    engine.advance(state, at(50), h)
    assert task(state, "merge")["mistralState"] == "success"
    assert state["mistralState"] == "success"
