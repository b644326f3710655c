"""Direct workflows (SIMULATOR.md "Direct workflows"), on a fixed clock."""

import pytest

from civis_local import engine
from civis_local.engine import EngineError

from .helpers import at, host, iso_at, job, start, states, task, workflow

TWO_BRANCHES = workflow(
    """
    extract:
      action: civis.scripts.sql
      on-success: [load]
    load:
      action: civis.scripts.python3
    audit:
      action: civis.scripts.python3
    """
)


def test_start_set_is_every_task_no_transition_names():
    state, _ = start(TWO_BRANCHES, host(extract=job(60), load=job(60), audit=job(10)))
    assert states(state) == {"extract": "running", "audit": "running"}
    engine.advance(state, at(60), _)
    assert states(state) == {"extract": "success", "audit": "success", "load": "running"}
    assert task(state, "load")["createdAt"] == iso_at(60)


def test_included_tasks_drop_the_others_and_transitions_to_them():
    # Without 'extract', 'load' has no inbound transition left and starts at once (guess).
    state, _ = start(TWO_BRANCHES, host(), included_tasks=["load"])
    assert states(state) == {"load": "running"}
    assert state["includedTasks"] == ["load"]


def test_included_task_not_in_the_workflow_is_refused():
    with pytest.raises(EngineError) as refused:
        start(TWO_BRANCHES, included_tasks=["nope"])
    assert refused.value.status == 400


def test_pause_before_pauses_then_runs_once_after_resume():
    definition = workflow(
        """
        a:
          action: std.noop
          on-success: [b]
        b:
          action: civis.scripts.python3
          pause-before: true
        """
    )
    state, h = start(definition, host(b=job(30)))
    assert state["mistralState"] == "paused"
    assert task(state, "b")["mistralState"] == "idle"
    assert task(state, "b")["mistralStateInfo"] == "Set by 'pause-before' policy"
    engine.advance(state, at(600), h)
    assert task(state, "b")["mistralState"] == "idle"  # nothing moves while paused
    engine.resume(state, at(600), h)
    assert state["mistralState"] == "running"
    assert task(state, "b")["mistralState"] == "running"
    engine.advance(state, at(630), h)
    assert state["mistralState"] == "success"
    assert state["finishedAt"] == iso_at(630)


def test_wait_before_delays_the_task():
    definition = workflow(
        """
        a:
          action: civis.scripts.python3
          wait-before: 20
        """
    )
    state, h = start(definition, host(a=job(10)))
    assert task(state, "a")["mistralState"] == "delayed"
    assert task(state, "a")["mistralStateInfo"] == "Delayed by 'wait-before' policy [delay=20]"
    assert task(state, "a")["runs"] == []
    engine.advance(state, at(20), h)
    assert task(state, "a")["mistralState"] == "running"
    assert task(state, "a")["runs"][0]["startedAt"] == iso_at(20)
    engine.advance(state, at(30), h)
    assert state["mistralState"] == "success"


def test_timeout_errors_the_task_and_cancels_its_run():
    definition = workflow(
        """
        slow:
          action: civis.scripts.python3
          timeout: 60
        """
    )
    state, h = start(definition, host(slow=job(600)))
    engine.advance(state, at(60), h)
    slow = task(state, "slow")
    assert slow["mistralState"] == "error"
    assert slow["mistralStateInfo"] == "Task timed out [timeout(s)=60]."
    assert slow["runs"][0]["state"] == "cancelled"
    assert h.runs[slow["runs"][0]["id"]]["state"] == "cancelled"
    assert state["mistralState"] == "error"


def test_timeout_is_armed_once_and_the_timed_out_attempt_is_retried():
    definition = workflow(
        """
        flaky:
          action: civis.scripts.python3
          timeout: 100
          retry: {count: 5, delay: 10}
        """
    )
    # Each attempt fails after 40 s; with 10 s delays the timeout (armed at 0) hits at 100
    # as the third attempt starts: that attempt errors, and the retry policy goes on (no
    # new timeout) until its 5 retries are used.
    state, h = start(definition, host(flaky=job(40, "fail")))
    engine.advance(state, at(1000), h)
    flaky = task(state, "flaky")
    assert [run["state"] for run in flaky["runs"]] == ["failed", "failed", "cancelled"] + [
        "failed"
    ] * 3
    assert flaky["runs"][3]["startedAt"] == iso_at(110)
    assert flaky["finishedAt"] == iso_at(250)
    assert flaky["mistralState"] == "error"


def test_wait_after_delays_the_finish():
    definition = workflow(
        """
        a:
          action: civis.scripts.python3
          wait-after: 15
          on-success: [b]
        b:
          action: std.noop
        """
    )
    state, h = start(definition, host(a=job(10)))
    engine.advance(state, at(12), h)
    assert task(state, "a")["mistralState"] == "delayed"
    assert task(state, "a")["mistralStateInfo"] == "Delayed by 'wait-after' policy [delay=15]"
    assert task(state, "a")["runs"][0]["state"] == "succeeded"
    engine.advance(state, at(25), h)
    assert states(state) == {"a": "success", "b": "success"}
    assert task(state, "a")["finishedAt"] == iso_at(25)


def test_retry_count_one_means_two_attempts_with_the_delay_between():
    definition = workflow(
        """
        a:
          action: civis.scripts.python3
          retry: {count: 1, delay: 30}
        """
    )
    state, h = start(definition, host(a=job(10, "fail")))
    engine.advance(state, at(15), h)
    assert task(state, "a")["mistralState"] == "delayed"
    assert task(state, "a")["mistralStateInfo"] == "Delayed by 'retry' policy [delay=30]"
    engine.advance(state, at(1000), h)
    runs = task(state, "a")["runs"]
    assert [run["startedAt"] for run in runs] == [iso_at(0), iso_at(40)]
    assert len({run["id"] for run in runs}) == 2
    assert task(state, "a")["mistralState"] == "error"
    assert state["mistralState"] == "error"


def test_fail_then_succeed_fixture_recovers_through_retry():
    definition = workflow(
        """
        a:
          action: civis.scripts.python3
          retry: {count: 3, delay: 5}
        """
    )
    state, h = start(definition, host(a=job(10, "fail_then_succeed", fail_times=2)))
    engine.advance(state, at(1000), h)
    assert [run["state"] for run in task(state, "a")["runs"]] == [
        "failed",
        "failed",
        "succeeded",
    ]
    assert state["mistralState"] == "success"


def test_on_error_handles_the_error_and_the_execution_succeeds():
    definition = workflow(
        """
        a:
          action: std.fail
          on-error: [notify]
          on-success: [never]
        notify:
          action: std.noop
        never:
          action: std.noop
        """
    )
    state, _ = start(definition)
    assert states(state) == {"a": "error", "notify": "success"}
    assert task(state, "a")["mistralStateInfo"] == "Fail action expected exception."
    assert state["mistralState"] == "success"


def test_on_complete_alone_does_not_handle_an_error():
    definition = workflow(
        """
        a:
          action: std.fail
          on-complete: [cleanup]
        cleanup:
          action: std.noop
        """
    )
    state, _ = start(definition)
    assert states(state) == {"a": "error", "cleanup": "success"}
    assert state["mistralState"] == "error"
    assert state["mistralStateInfo"] == (
        "Failure caused by error in tasks: a\n\n  a -> Fail action expected exception.\n"
    )


def test_on_success_then_on_complete_both_fire():
    definition = workflow(
        """
        a:
          action: std.noop
          on-success: [b]
          on-complete: [c]
        b:
          action: std.noop
        c:
          action: std.noop
        """
    )
    state, _ = start(definition)
    assert [t["name"] for t in state["tasks"]] == ["a", "b", "c"]


def test_guards_are_evaluated_on_the_input():
    definition = workflow(
        """
        a:
          action: std.noop
          on-success:
            - yes_task: <% $.go = true %>
            - no_task: <% $.go = false %>
            - long_task: <% len($.things) > 2 %>
        yes_task:
          action: std.noop
        no_task:
          action: std.noop
        long_task:
          action: std.noop
        """,
        extra="  input: [go, {things: [1, 2, 3]}]\n",
    )
    state, _ = start(definition, input={"go": True})
    assert set(states(state)) == {"a", "yes_task", "long_task"}


def test_engine_command_fail_ends_the_execution_in_error():
    definition = workflow(
        """
        a:
          action: std.noop
          on-success: [fail]
        other:
          action: civis.scripts.python3
        """
    )
    state, h = start(definition, host(other=job(100)))
    assert state["mistralState"] == "error"
    assert task(state, "other")["mistralState"] == "cancelled"
    assert task(state, "other")["runs"][0]["state"] == "cancelled"


def test_engine_command_succeed_ends_the_execution_in_success():
    definition = workflow(
        """
        a:
          action: std.fail
          on-error: [succeed]
        """
    )
    state, _ = start(definition)
    assert state["mistralState"] == "success"
    assert task(state, "a")["mistralState"] == "error"


def test_engine_command_pause_defers_the_rest_until_resume():
    definition = workflow(
        """
        a:
          action: std.noop
          on-success: [b, pause, c]
        b:
          action: std.noop
        c:
          action: std.noop
        """
    )
    state, h = start(definition)
    assert state["mistralState"] == "paused"
    assert set(states(state)) == {"a", "b"}
    engine.resume(state, at(5), h)
    assert states(state) == {"a": "success", "b": "success", "c": "success"}
    assert task(state, "c")["createdAt"] == iso_at(5)
    assert state["mistralState"] == "success"


def test_noop_is_dropped_but_handles_the_error():
    definition = workflow(
        """
        a:
          action: std.fail
          on-error: noop
        """
    )
    state, _ = start(definition)
    assert states(state) == {"a": "error"}
    assert state["mistralState"] == "success"


JOIN_ALL = workflow(
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


def test_join_all_waits_blocked_by_the_others():
    state, h = start(JOIN_ALL, host(a=job(10), b=job(50)))
    engine.advance(state, at(10), h)
    merge = task(state, "merge")
    assert merge["mistralState"] == "waiting"
    assert merge["mistralStateInfo"] == "Blocked by tasks: ['b']"
    engine.advance(state, at(50), h)
    assert task(state, "merge")["mistralState"] == "success"
    assert state["mistralState"] == "success"


def test_join_all_fails_once_it_cannot_be_reached():
    state, h = start(JOIN_ALL, host(a=job(10), b=job(50, "fail")))
    engine.advance(state, at(50), h)
    merge = task(state, "merge")
    assert merge["mistralState"] == "error"
    assert merge["mistralStateInfo"] == "Failed by tasks: ['b']"
    assert state["mistralState"] == "error"
    assert state["mistralStateInfo"] == (
        "Failure caused by error in tasks: b, merge\n"
        f"\n  b -> {task(state, 'b')['mistralStateInfo']}\n"
        "\n  merge -> Failed by tasks: ['b']\n"
    )


def test_join_n_starts_after_n_upstream_tasks():
    definition = workflow(
        """
        a:
          action: civis.scripts.python3
          on-success: [first_two]
        b:
          action: civis.scripts.python3
          on-success: [first_two]
        c:
          action: civis.scripts.python3
          on-success: [first_two]
        first_two:
          action: std.noop
          join: 2
        """
    )
    state, h = start(definition, host(a=job(10), b=job(20), c=job(90)))
    engine.advance(state, at(20), h)
    assert task(state, "first_two")["mistralState"] == "success"
    assert task(state, "first_two")["finishedAt"] == iso_at(20)
    assert task(state, "c")["mistralState"] == "running"


def test_with_items_runs_at_most_concurrency_at_a_time_and_fails_if_any_item_failed():
    definition = workflow(
        """
        each:
          with-items: table in <% $.tables %>
          action: civis.run_job job_id=<% $.table %>
          concurrency: 2
        """,
        extra="  input: [tables]\n",
    )
    h = host()
    h.fixtures = {1: job(10), 2: job(10), 3: job(10, "fail"), 4: job(10)}
    state, _ = start(definition, h, input={"tables": [1, 2, 3, 4]})
    each = task(state, "each")
    assert [run["jobId"] for run in each["runs"]] == [1, 2]
    engine.advance(state, at(10), h)
    assert [run["jobId"] for run in task(state, "each")["runs"]] == [1, 2, 3, 4]
    assert task(state, "each")["runs"][2]["startedAt"] == iso_at(10)
    engine.advance(state, at(20), h)
    assert task(state, "each")["mistralState"] == "error"
    assert task(state, "each")["mistralStateInfo"] == "One or more actions had failed."
    assert state["mistralState"] == "error"


def test_an_unhandled_error_does_not_stop_other_branches():
    definition = workflow(
        """
        broken:
          action: std.fail
        long:
          action: civis.scripts.python3
          on-success: [after_long]
        after_long:
          action: civis.scripts.python3
        """
    )
    state, h = start(definition, host(long=job(100), after_long=job(100)))
    assert task(state, "broken")["mistralState"] == "error"
    assert state["mistralState"] == "running"
    engine.advance(state, at(200), h)
    assert task(state, "after_long")["mistralState"] == "success"
    assert state["mistralState"] == "error"
    assert state["finishedAt"] == iso_at(200)
    assert state["mistralStateInfo"].startswith("Failure caused by error in tasks: broken\n")


def test_a_bad_definition_is_refused_with_422():
    with pytest.raises(EngineError) as refused:
        start("version: '2.0'\nwf:\n  tasks:\n    a:\n      on-success: [missing]\n")
    assert refused.value.status == 422
    assert "missing" in refused.value.message


def test_with_items_over_an_empty_list_succeeds_and_an_unreadable_list_fails():
    definition = workflow(
        """
        each:
          with-items: x in <% $.xs %>
          action: civis.scripts.python3
        """,
        extra="  input: [{xs: []}, {ys: 3}]\n",
    )
    state, _ = start(definition, input={"xs": []})
    assert state["mistralState"] == "success"
    state, _ = start(definition.replace("$.xs", "$.ys"))
    assert task(state, "each")["mistralStateInfo"] == "with-items did not give a list: <% $.ys %>"
    assert state["mistralState"] == "error"


def test_transitions_of_a_task_finishing_while_paused_wait_for_resume():
    definition = workflow(
        """
        approve:
          action: std.noop
          pause-before: true
        load:
          action: civis.scripts.python3
          on-success: [publish]
        publish:
          action: std.noop
        delayed:
          action: civis.scripts.python3
          wait-before: 30
        """
    )
    state, h = start(definition, host(load=job(20), delayed=job(10)))
    assert state["mistralState"] == "paused"
    engine.advance(state, at(100), h)
    # load's run finished while paused; publish is not started; the wait-before timer of
    # 'delayed' expired but its action waits for resume too.
    assert states(state) == {
        "approve": "idle",
        "load": "success",
        "delayed": "delayed",
    }
    assert task(state, "load")["finishedAt"] == iso_at(20)
    assert task(state, "delayed")["runs"] == []
    engine.resume(state, at(120), h)
    assert task(state, "publish")["createdAt"] == iso_at(120)
    assert task(state, "delayed")["runs"][0]["startedAt"] == iso_at(120)
    engine.advance(state, at(130), h)
    assert state["mistralState"] == "success"
