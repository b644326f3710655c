"""Issue 15: what civis_local did differently from Mistral v2, one test per item of the issue
(data flow, task-defaults, input checks, loops, retry rules, definition checks, wording, test
levers), on the frozen clock of helpers.py."""

import pytest

from civis_local import engine
from civis_local.engine import EngineError, InMemoryHost

from .helpers import at, host, iso_at, job, start, states, task, workflow


# 1. Data flow: guards on the context, publish, task(name).result, refusing what cannot be read.
def test_1_data_flow_guards_publish_and_task_results():
    definition = workflow(
        """
        make:
          action: civis.scripts.python3
          publish:
            made: <% task(make).result.job_id %>
          on-success:
            - big: <% $.n > 2 %>
            - small: <% $.n <= 2 %>
            - rerun: <% $.made != null %>
        big:
          action: std.echo output=<% $.n * 10 %>
          publish:
            echoed: <% task().result %>
        small:
          action: std.noop
        rerun:
          action: civis.run_job job_id=<% $.made %>
        unreadable:
          action: std.noop
          on-success:
            - small: <% $.missing > 2 %>
        """,
        extra="  input: [n]\n",
    )
    state, h = start(definition, host(make=job(10)), input={"n": 3})
    engine.advance(state, at(100), h)
    made = task(state, "make")
    # Only one side of the if/else runs.
    assert set(states(state)) == {"make", "big", "rerun", "unreadable"}
    assert made["published"] == {"made": made["runs"][0]["jobId"]}
    assert task(state, "big")["published"] == {"echoed": 30}
    # The published job id reached the next task: a run of the job the first task made.
    assert task(state, "rerun")["runs"][0]["jobId"] == made["runs"][0]["jobId"]
    assert task(state, "rerun")["mistralState"] == "success"
    # A guard on a missing key is an error of its task, not "true".
    unreadable = task(state, "unreadable")
    assert unreadable["mistralState"] == "error"
    assert unreadable["mistralStateInfo"].startswith(
        "Can not evaluate YAQL expression [expression=$.missing > 2"
    )
    assert state["mistralState"] == "error"


# 2. task-defaults transitions apply to every task without its own clause, except their target.
def test_2_task_defaults_on_error_notify():
    definition = workflow(
        """
        extract:
          action: std.noop
          on-success: [load]
        load:
          action: std.fail
        notify:
          action: std.echo output="load failed"
        """,
        extra="  task-defaults:\n    on-error: [notify]\n",
    )
    state, _ = start(definition)
    # notify is named by task-defaults: not a start task; load's error is handled by it.
    assert [t["name"] for t in state["tasks"]] == ["extract", "load", "notify"]
    assert state["mistralState"] == "success"


# 3. Workflow input is checked: missing required and undeclared inputs refuse the start.
def test_3_invalid_input_is_refused():
    definition = workflow("a:\n  action: std.noop\n", extra="  input: [region, {limit: 10}]\n")
    with pytest.raises(EngineError) as missing:
        start(definition)
    assert missing.value.status == 400
    assert missing.value.message == (
        "Invalid input [name=wf, class=DirectWorkflowSpec, missing=['region']]"
    )
    with pytest.raises(EngineError) as unexpected:
        start(definition, input={"region": "IA", "limt": 5})
    assert unexpected.value.message == (
        "Invalid input [name=wf, class=DirectWorkflowSpec, unexpected=['limt']]"
    )
    state, _ = start(definition, input={"region": "IA"})
    assert state["input"] == {"limit": 10, "region": "IA"}


# 4. A task runs again when a transition names it again: loops and fan-in without a join.
def test_4_loops_and_fan_in_run_a_task_again():
    loop = workflow(
        """
        begin:
          action: std.noop
          on-success: [a]
        a:
          action: civis.scripts.python3
          on-success: [b]
        b:
          action: civis.scripts.python3
          on-error: [a]
        """
    )
    # b always fails: a, b, a, b, a, b... (each run takes 10 s)
    h = host(a=job(10), b=job(10, "fail"))
    state, _ = start(loop, h)
    engine.advance(state, at(55), h)
    assert [t["name"] for t in state["tasks"]] == ["begin"] + ["a", "b"] * 3
    # A loop whose b always fails never ends well: still looping, not "success".
    assert state["mistralState"] == "running"

    fan_in = workflow(
        """
        left:
          action: std.noop
          on-success: [merge]
        right:
          action: std.noop
          on-success: [merge]
        merge:
          action: std.noop
        """
    )
    state, _ = start(fan_in)
    assert [t["name"] for t in state["tasks"]] == ["left", "right", "merge", "merge"]


# 5. Retry: break-on / continue-on, timeout then retry, with-items reruns only the failed
#    items, wait-after once, manual retry goes through wait-before and pause-before.
def test_5_retry_rules():
    break_on = workflow(
        """
        a:
          action: civis.scripts.python3
          retry: {count: 3, delay: 5, break-on: <% $.stop %>}
        b:
          action: civis.scripts.python3
          retry: {count: 3, delay: 5, continue-on: <% not $.stop %>}
        """,
        extra="  input: [{stop: true}]\n",
    )
    state, h = start(break_on, host(a=job(10, "fail"), b=job(10, "fail")))
    engine.advance(state, at(100), h)
    assert len(task(state, "a")["runs"]) == 1
    assert len(task(state, "b")["runs"]) == 1

    items = workflow(
        """
        each:
          with-items: n in [1, 2, 3]
          action: civis.run_job job_id=<% $.n %>
          retry: {count: 1, delay: 5}
          wait-after: 20
          timeout: 1000
        """
    )
    h = InMemoryHost(fixtures={1: job(10), 2: job(10, "fail_then_succeed", 1), 3: job(10)})
    state, _ = start(items, h)
    engine.advance(state, at(12), h)
    # No wait-after between the attempts: straight to the retry delay.
    assert task(state, "each")["mistralStateInfo"] == "Delayed by 'retry' policy [delay=5]"
    engine.advance(state, at(1000), h)
    each = task(state, "each")
    assert sorted(run["jobId"] for run in each["runs"]) == [1, 2, 2, 3]
    assert each["result"] == [
        {"job_id": n, "run_id": run_id, "state": "succeeded"}
        for n, run_id in ((1, 1), (2, 4), (3, 3))
    ]
    assert each["finishedAt"] == iso_at(25 + 20)  # wait-after once, after the last attempt

    timed = workflow(
        """
        slow:
          action: civis.scripts.python3
          timeout: 30
          retry: {count: 1, delay: 5}
        """
    )
    state, h = start(timed, host(slow=job(40, "fail_then_succeed", fail_times=0)))
    engine.advance(state, at(1000), h)
    # Timed out at 30, retried at 35 without a new timeout, succeeded at 75.
    assert [run["state"] for run in task(state, "slow")["runs"]] == ["cancelled", "succeeded"]
    assert state["mistralState"] == "success"
    assert state["finishedAt"] == iso_at(75)

    manual = workflow(
        """
        gate:
          action: civis.scripts.python3
          wait-before: 10
          pause-before: true
        """
    )
    state, h = start(manual, host(gate=job(5, "fail_then_succeed", fail_times=1)))
    engine.resume(state, at(1), h)
    engine.advance(state, at(100), h)
    assert state["mistralState"] == "error"
    engine.retry(state, at(200), h)
    assert state["mistralState"] == "paused"
    assert task(state, "gate")["mistralStateInfo"] == "Set by 'pause-before' policy"
    engine.resume(state, at(300), h)
    assert task(state, "gate")["mistralState"] == "delayed"
    engine.advance(state, at(400), h)
    assert task(state, "gate")["runs"][-1]["startedAt"] == iso_at(310)
    assert state["mistralState"] == "success"


# 6. Definition checks and engine-command messages.
def test_6_definition_checks_and_command_messages():
    no_start = workflow("a:\n  action: std.noop\n  on-success: [b]\nb:\n  on-success: [a]\n")
    with pytest.raises(EngineError) as refused:
        start(no_start)
    assert refused.value.status == 422
    assert refused.value.message.startswith("Failed to find start tasks in direct workflow.")
    join = workflow(
        """
        a:
          on-success: [c]
        b:
          on-success: [c]
        c:
          join: 3
        """
    )
    assert engine.semantic_errors(join) == (
        "Not enough inbound tasks for task with 'join' [task_name=c, join=3, inbound_tasks=2]"
    )
    with pytest.raises(EngineError):
        start(join)

    failing = workflow(
        """
        a:
          action: std.noop
          on-success:
            - 'fail msg="Stopped: <% $.why %>"'
        """,
        extra="  input: [{why: no rows}]\n",
    )
    state, _ = start(failing)
    assert state["mistralState"] == "error"
    assert state["mistralStateInfo"] == "Stopped: no rows"
    plain = workflow("a:\n  action: std.noop\n  on-success: [fail]\n")
    assert start(plain)[0]["mistralStateInfo"] is None
    pausing = workflow("a:\n  action: std.noop\n  on-success: [pause msg='Approve it']\n")
    state, _ = start(pausing)
    assert (state["mistralState"], state["mistralStateInfo"]) == ("paused", "Approve it")


# 7. Wording: failures sorted by name with a line each; with-items; cancelled tasks.
def test_7_wording_of_failures_and_cancels():
    definition = workflow(
        """
        zeta:
          action: std.fail
        alpha:
          action: civis.scripts.python3
        each:
          with-items: n in [1, 2]
          action: std.fail
        waiting:
          action: civis.scripts.python3
          retry: {count: 1, delay: 500}
        """
    )
    state, h = start(definition, host(alpha=job(10, "fail"), waiting=job(1, "fail")))
    engine.advance(state, at(20), h)
    assert task(state, "each")["mistralStateInfo"] == "One or more actions had failed."
    assert task(state, "waiting")["mistralStateInfo"] == "Delayed by 'retry' policy [delay=500]"
    engine.cancel(state, at(30), h)
    assert task(state, "waiting")["mistralState"] == "cancelled"
    assert task(state, "waiting")["mistralStateInfo"] is None

    state, h = start(definition.replace("retry: {count: 1, delay: 500}", "retry: {count: 0}"),
                     host(alpha=job(10, "fail"), waiting=job(1, "fail")))  # fmt: skip
    engine.advance(state, at(20), h)
    alpha_info = task(state, "alpha")["mistralStateInfo"]
    waiting_info = task(state, "waiting")["mistralStateInfo"]
    assert state["mistralStateInfo"] == (
        "Failure caused by error in tasks: alpha, each, waiting, zeta\n"
        f"\n  alpha -> {alpha_info}\n"
        "\n  each -> One or more actions had failed.\n"
        f"\n  waiting -> {waiting_info}\n"
        "\n  zeta -> Fail action expected exception.\n"
    )


# 8. Test levers: a fault set on a workflow's task makes its job fail, fail N times, or run
#    for a given time, whatever the job's own fixture says.
def test_8_task_faults_override_the_job_fixture():
    definition = workflow(
        """
        load:
          action: civis.run_job job_id=7
          retry: {count: 2, delay: 1}
        publish:
          action: civis.scripts.python3
        """
    )
    h = InMemoryHost(fixtures={7: job(10)}, workflows={3: definition})
    h.faults[(3, "load")] = job(60, "fail_then_succeed", fail_times=2)
    h.faults[(3, "publish")] = job(5, "fail")
    state = engine.start_execution(h, definition=definition, now=at(0), workflow_id=3)
    engine.advance(state, at(1000), h)
    load = task(state, "load")
    assert [run["state"] for run in load["runs"]] == ["failed", "failed", "succeeded"]
    assert load["finishedAt"] == iso_at(60 + 1 + 60 + 1 + 60)
    assert task(state, "publish")["mistralState"] == "error"
    assert state["mistralState"] == "error"
    # Without the faults the same workflow succeeds.
    h.faults.clear()
    state = engine.start_execution(h, definition=definition, now=at(0), workflow_id=3)
    engine.advance(state, at(1000), h)
    assert state["mistralState"] == "success"
