"""The civis_local execution engine: Mistral-like workflow executions on simulated jobs.

Pure Python, no Django. The API stores each execution's state (a JSON dict, see state.py)
and implements ``Host`` (host.py); every public function takes an explicit ``now`` (aware
UTC datetime), so the same clock always gives the same state.
"""

from civis_local.engine.errors import EngineError
from civis_local.engine.host import DEFAULT_FIXTURE, Host, InMemoryHost, JobFixture
from civis_local.engine.notifications import stall_due_at
from civis_local.engine.parse import WorkflowSpec, parse_definition, semantic_errors
from civis_local.engine.render import (
    render_execution,
    render_execution_summary,
    render_run,
    render_task,
    workflow_state,
)
from civis_local.engine.runner import advance, cancel, resume, retry, start_execution
from civis_local.engine.schedule import (
    due_firings,
    ensure_can_start,
    fire_schedule,
    next_execution_at,
)
from civis_local.engine.state import civis_state, is_terminal

__all__ = [
    "DEFAULT_FIXTURE",
    "EngineError",
    "Host",
    "InMemoryHost",
    "JobFixture",
    "WorkflowSpec",
    "advance",
    "cancel",
    "civis_state",
    "due_firings",
    "ensure_can_start",
    "fire_schedule",
    "is_terminal",
    "next_execution_at",
    "parse_definition",
    "render_execution",
    "render_execution_summary",
    "render_run",
    "render_task",
    "resume",
    "retry",
    "semantic_errors",
    "stall_due_at",
    "start_execution",
    "workflow_state",
]
