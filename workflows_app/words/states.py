"""States in plain words, each with an icon and a tone (UX.md, "Words" and "Status tag").

The same state word means different things in different places: a workflow that is `idle` has
never run, a task that is `idle` has not started yet. Callers say which kind of thing they show.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from workflows_app.civis.types import Execution, ExecutionSummary, Task

Kind = Literal["workflow", "execution", "task", "run"]
TONES = ("good", "bad", "warn", "info", "neutral")


@dataclass(frozen=True)
class StateLook:
    label: str
    icon: str
    tone: str
    known: bool = True


SUCCEEDED = StateLook("Succeeded", "✓", "good")
FAILED = StateLook("Failed", "✕", "bad")
CANCELLED = StateLook("Cancelled", "⊘", "neutral")
RUNNING = StateLook("Running", "↻", "info")
QUEUED = StateLook("Queued", "⋯", "info")
PAUSED = StateLook("Paused: waiting for someone to resume it", "‖", "warn")
WAITING = StateLook("Waiting", "◷", "warn")
WAITING_TO_RETRY = StateLook("Waiting to retry", "↺", "warn")
NEVER_RUN = StateLook("Never run", "○", "neutral")
NOT_STARTED = StateLook("Not started", "○", "neutral")
SCHEDULED = StateLook("Scheduled, not run yet", "◷", "info")
ARCHIVED = StateLook("Archived", "▣", "neutral")
HIDDEN = StateLook("Hidden", "◌", "neutral")
# The list's last-run filter word for a workflow whose live runs are all paused.
WAITING_FOR_APPROVAL = "Waiting for approval"
UNKNOWN_ICON = "?"

# Executions that have not finished: they can be cancelled, and their page follows them live.
UNFINISHED_EXECUTION_STATES = ("running", "queued", "paused")

# Filters say less than a status tag: a checkbox or a select option names the state briefly.
RUN_STATE_CHOICES = [
    ("running", "Running"),
    ("queued", "Queued"),
    ("paused", "Paused"),
    ("failed", "Failed"),
    ("succeeded", "Succeeded"),
    ("cancelled", "Cancelled"),
]
WORKFLOW_STATE_CHOICES = [
    ("running", "Running"),
    ("paused", WAITING_FOR_APPROVAL),
    *[(value, label) for value, label in RUN_STATE_CHOICES if value not in ("running", "paused")],
    ("scheduled", SCHEDULED.label),
    ("idle", NEVER_RUN.label),
]

# A bulk job and its items (the console's own states, keyed by the stored word).
BULK_ITEM_LOOKS: dict[str, StateLook] = {
    "pending": StateLook("Waiting", "○", "neutral"),
    "running": StateLook("In progress", "↻", "info"),
    "done": StateLook("Done", "✓", "good"),
    "failed": FAILED,
    "skipped": StateLook(NOT_STARTED.label, "⊘", "neutral"),
}
BULK_JOB_LOOKS: dict[str, StateLook] = {
    "waiting": WAITING,
    "running": RUNNING,
    "finished": StateLook("Finished", "✓", "good"),
    "cancelled": CANCELLED,
}
FINISHED_WITH_FAILURES = StateLook("Finished, some failed", "!", "warn")
# A done item (and a finished job with such items) where something asked for did not happen,
# e.g. things a moved workflow uses left unshared: never "Done" alone.
DONE_WITH_PROBLEMS = StateLook("Done, with problems", "!", "warn")

_COMMON = {
    "succeeded": SUCCEEDED,
    "success": SUCCEEDED,
    "failed": FAILED,
    "error": FAILED,
    "cancelled": CANCELLED,
    "canceled": CANCELLED,
    "running": RUNNING,
    "queued": QUEUED,
    "paused": PAUSED,
    "waiting": WAITING,
    "delayed": WAITING_TO_RETRY,
    "running_delayed": WAITING_TO_RETRY,
    "idle": NEVER_RUN,
    "scheduled": SCHEDULED,
    "archived": ARCHIVED,
    "hidden": HIDDEN,
}
_BY_KIND: dict[str, dict[str, StateLook]] = {
    "task": {"idle": NOT_STARTED},
    "run": {"idle": NOT_STARTED},
}


def describe_state(state: str | None, kind: Kind | None = None) -> StateLook:
    """The label, icon and tone for a Civis or Mistral state word.

    Unknown words are shown as they are (templates escape them) with a neutral tone and a "?"
    icon, so a new platform state never breaks a page or passes for a known one.
    """
    word = (state or "").strip()
    key = word.lower().replace("-", "_").replace(" ", "_")
    if not key:
        return StateLook("Unknown", UNKNOWN_ICON, "neutral", known=False)
    look = _BY_KIND.get(kind or "", {}).get(key) or _COMMON.get(key)
    if look is not None:
        return look
    return StateLook(word[:1].upper() + word[1:], UNKNOWN_ICON, "neutral", known=False)


# A message toast's look for a state's tone (static/css: toast--success, --error, --warning).
_TOAST_OF_TONE = {"good": "success", "bad": "error", "warn": "warning"}


def finished_news(state: str | None) -> tuple[str, str]:
    """What replaces "The failed tasks are running again" (or another action's news) once the
    run has finished: the words, and the toast's look."""
    look = describe_state(state, "execution")
    return f"This run has finished: {look.label}.", _TOAST_OF_TONE.get(look.tone, "info")


def execution_state(state: str | None, mistral_state: str | None = None) -> str | None:
    """The state to show for an execution: Civis says `running` for a paused one (SIMULATOR.md),
    so Mistral's `paused` wins; otherwise the Civis word, falling back to Mistral's."""
    if (mistral_state or "").lower() == "paused":
        return "paused"
    return state or mistral_state


LIVE_STATES = frozenset({"running", "queued"})


def workflow_state(
    state: str | None, runs: Iterable[ExecutionSummary | Execution] = ()
) -> str | None:
    """The state to show for a workflow: Civis says `running` while a run of it is paused, so
    when every live run among `runs` (its newest, any order) is paused, it shows as paused."""
    if (state or "").lower() != "running":
        return state
    live = [
        execution_state(run.state, run.mistral_state)
        for run in runs
        if (run.state or "").lower() in LIVE_STATES
    ]
    return "paused" if live and all(shown == "paused" for shown in live) else state


def task_states(tasks: Mapping[str, str] | Iterable[Task] | None) -> dict[str, str]:
    """{task name: state} from an execution's tasks (the service module's `Task`), or a
    {task name: state} mapping passed through; for colouring the task graph."""
    if tasks is None:
        return {}
    if isinstance(tasks, Mapping):
        return {str(name): str(state) for name, state in tasks.items() if state}
    states = {}
    for task in tasks:
        if task.name and task.mistral_state:
            states[task.name] = task.mistral_state
    return states
