"""Clock and determinism (SIMULATOR.md "Clock and determinism"): the same clock gives the
same state, however the clock got there; the speed factor shortens simulated time."""

import copy
import json

from civis_local import engine

from .helpers import T0, at, host, iso_at, job, states, task, workflow

BUSY = workflow(
    """
    extract:
      action: civis.scripts.sql
      retry: {count: 2, delay: 15}
      on-success: [fan]
    fan:
      with-items: n in [1, 2, 3]
      action: civis.scripts.python3
      concurrency: 2
      on-complete: [merge]
    side:
      action: civis.scripts.python3
      wait-before: 25
      wait-after: 5
      on-success: [merge]
    merge:
      action: std.noop
      join: all
    call:
      action: civis.workflows.execute
      input: {workflow_id: 9}
    """
)
CHILD = workflow("inner:\n  action: civis.scripts.python3\n  retry: {count: 1, delay: 7}\n")


def busy_host():
    h = host(
        extract=job(40, "fail_then_succeed", fail_times=2),
        fan=job(33),
        side=job(12),
        inner=job(50, "fail_then_succeed", fail_times=1),
    )
    h.workflows = {9: CHILD}
    return h


def snapshot(state, h):
    return json.dumps({"state": state, "children": h.executions, "runs": h.runs}, sort_keys=True)


def test_the_same_clock_gives_the_same_state():
    first_host, second_host = busy_host(), busy_host()
    first = engine.start_execution(first_host, definition=BUSY, now=T0)
    second = engine.start_execution(second_host, definition=BUSY, now=T0)
    engine.advance(first, at(130), first_host)
    engine.advance(second, at(130), second_host)
    assert snapshot(first, first_host) == snapshot(second, second_host)


def test_advancing_again_to_the_same_instant_changes_nothing():
    h = busy_host()
    state = engine.start_execution(h, definition=BUSY, now=T0)
    engine.advance(state, at(130), h)
    before = snapshot(state, h)
    engine.advance(state, at(130), h)
    assert snapshot(state, h) == before


def test_small_steps_and_one_jump_end_in_the_same_state_even_through_json():
    jump_host, step_host = busy_host(), busy_host()
    jumped = engine.start_execution(jump_host, definition=BUSY, now=T0)
    engine.advance(jumped, at(400), jump_host)
    stepped = engine.start_execution(step_host, definition=BUSY, now=T0)
    for second in range(0, 401, 7):
        # Store and reload, as the API does with its JSONField.
        stepped = json.loads(json.dumps(stepped))
        engine.advance(stepped, at(second), step_host)
    engine.advance(stepped, at(400), step_host)
    assert jumped["mistralState"] == "success"
    assert json.dumps(jumped, sort_keys=True) == json.dumps(stepped, sort_keys=True)


def test_events_happen_at_their_own_instant_not_at_the_read():
    h = busy_host()
    state = engine.start_execution(h, definition=BUSY, now=T0)
    engine.advance(state, at(10_000), h)
    # extract: fails at 40 and 95 (after 15 s delays), succeeds at 150.
    assert [r["finishedAt"] for r in task(state, "extract")["runs"]] == [
        iso_at(40),
        iso_at(95),
        iso_at(150),
    ]
    assert task(state, "side")["finishedAt"] == iso_at(25 + 12 + 5)
    assert state["finishedAt"] == iso_at(150 + 33 + 33)


def test_speed_factor_shortens_durations_and_waits():
    fast_host = busy_host()
    fast = engine.start_execution(fast_host, definition=BUSY, now=T0, speed=10)
    engine.advance(fast, at(21.6), fast_host)
    assert fast["mistralState"] == "success"
    assert fast["finishedAt"] == iso_at(21.6)
    assert states(fast)["merge"] == "success"


def test_a_state_is_plain_json():
    h = busy_host()
    state = engine.start_execution(h, definition=BUSY, now=T0)
    engine.advance(state, at(60), h)
    assert json.loads(json.dumps(state)) == copy.deepcopy(state)
