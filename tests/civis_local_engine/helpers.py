"""Shared clock and builders for the engine tests: a fixed start instant and small YAML."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from typing import Any

from civis_local import engine
from civis_local.engine import InMemoryHost, JobFixture
from civis_local.engine import state as engine_state

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def iso_at(seconds: float) -> str:
    return engine_state.iso(at(seconds))


def workflow(tasks: str, kind: str = "direct", extra: str = "") -> str:
    """A one-workflow definition around an indented ``tasks:`` body."""
    body = textwrap.indent(textwrap.dedent(tasks).strip("\n"), "    ")
    return f"version: '2.0'\nwf:\n  type: {kind}\n{extra}  tasks:\n{body}\n"


def host(**fixtures: JobFixture) -> InMemoryHost:
    """Fixtures keyed by job/task name (scripts create a job named after the task)."""
    return InMemoryHost(fixtures_by_name=dict(fixtures))


def job(seconds: float, outcome: str = "succeed", fail_times: int = 0) -> JobFixture:
    return JobFixture(duration_seconds=seconds, outcome=outcome, fail_times=fail_times)


def start(definition: str, the_host: InMemoryHost | None = None, **kwargs: Any):
    the_host = the_host or host()
    state = engine.start_execution(the_host, definition=definition, now=T0, **kwargs)
    return state, the_host


def task(state: dict[str, Any], name: str) -> dict[str, Any]:
    found = engine_state.find_task(state, name)
    assert found is not None, f"task {name} not reached"
    return found


def states(state: dict[str, Any]) -> dict[str, str]:
    return {t["name"]: t["mistralState"] for t in state["tasks"]}
