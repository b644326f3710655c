"""The civis_local execution engine: Mistral-like workflow executions on simulated jobs.

Pure Python, no Django. The API stores each execution's state (a JSON dict, see state.py)
and implements ``Host`` (host.py); every public function takes an explicit ``now`` (aware
UTC datetime), so the same clock always gives the same state.

Public functions (being implemented; signatures are the contract):

    start_execution(host, *, definition, now, workflow_id=None, input=None, target_task=None,
                    included_tasks=None, speed=1.0, execution_id=None) -> state
    advance(state, now, host) -> state          # advance-on-read, mutates and returns state
    cancel(state, now, host) -> state
    resume(state, now, host) -> state
    retry(state, now, host, task_name=None) -> state   # EngineError(.status 4xx) if refused
    render_execution(state, *, user, run_permission=None, child_permission=None) -> dict
    render_execution_summary(state, *, user) -> dict
    render_task(task, *, run_permission=None, child_permission=None) -> dict
    render_run(run, now, permission="manage") -> dict  # for /jobs/{id}/runs
    workflow_state(execution_states_newest_first, scheduled) -> str
    next_execution_at(schedule, time_zone, now) -> datetime | None
    due_firings(schedule, time_zone, after, until) -> list[datetime]
    fire_schedule(host, *, workflow_id, definition, schedule, time_zone, allow_concurrent,
                  after, until, active, speed=1.0) -> list[new states]
    ensure_can_start(allow_concurrent, active_states) -> None  # EngineError 409 if refused
"""
