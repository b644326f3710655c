"""What an execution page says in plain words, and which actions it offers.

Pure functions of the typed `Execution` and the viewer's access level, so tests can check the
rules without a server. The platform stays the authority: a hidden button is a courtesy, and
the API still refuses what the person's level does not allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows_app.civis.types import Execution, Task
from workflows_app.words.access import at_least
from workflows_app.words.counts import plural
from workflows_app.words.runs import JOB_RUN
from workflows_app.words.states import UNFINISHED_EXECUTION_STATES, execution_state


@dataclass(frozen=True)
class Actions:
    run_again: bool = False
    cancel: bool = False
    resume: bool = False
    retry_failed: bool = False
    retry_tasks: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.run_again or self.cancel or self.resume or self.retry_failed


def shown_state(execution: Execution) -> str | None:
    """The state to show: `paused` when Mistral says so (Civis says `running` then)."""
    return execution_state(execution.state, execution.mistral_state)


def failed_tasks(execution: Execution) -> tuple[Task, ...]:
    return tuple(t for t in execution.tasks if (t.mistral_state or "").lower() == "error")


def allowed_actions(execution: Execution, level: str | None) -> Actions:
    """Actions the state and the viewer's access allow (write or manage may act)."""
    if not at_least(level, "write"):
        return Actions()
    state = shown_state(execution)
    failed = tuple(t.name for t in failed_tasks(execution)) if state == "failed" else ()
    return Actions(
        run_again=execution.is_terminal,
        cancel=state in UNFINISHED_EXECUTION_STATES,
        resume=state == "paused",
        retry_failed=bool(failed),
        retry_tasks=failed,
    )


_PLAIN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Failure caused by error in tasks: (?P<x>.+)$"), "These tasks failed: {x}."),
    (
        re.compile(r"^Task timed out \[timeout\(s\)=(?P<x>[\d.]+)\]\.?$"),
        "It ran longer than its limit of {x} seconds, so it was stopped.",
    ),
    (
        re.compile(r"^Delayed by '(?:retry)' policy \[delay=(?P<x>[\d.]+)\]$"),
        "It failed and will try again in {x} seconds.",
    ),
    (
        re.compile(r"^Delayed by '[\w-]+' policy \[delay=(?P<x>[\d.]+)\]$"),
        "Waiting {x} seconds, as the workflow asks.",
    ),
    (
        re.compile(r"^Set by 'pause-before' policy$"),
        "The workflow pauses before this task until someone resumes it.",
    ),
    (re.compile(r"^Blocked by tasks: (?P<x>.+)$"), "Waiting for these tasks first: {x}."),
    (
        re.compile(r"^Failed by tasks: (?P<x>.+)$"),
        "It could not start because tasks it waits for failed: {x}.",
    ),
    (
        re.compile(r"^Fail action expected exception\.?$"),
        "The workflow is written to stop with a failure at this step.",
    ),
    (
        re.compile(r"^Run (?P<run>\d+) of job (?P<job>\d+) failed$"),
        f"Its job failed: {JOB_RUN}.",
    ),
    (
        re.compile(r"^Failed by 'fail' command in task (?P<x>.+)$"),
        "The workflow stopped itself with a failure after task {x}.",
    ),
    (re.compile(r"^Execution is running$"), "It is running."),
)


def plain_words(info: str | None) -> str | None:
    """Mistral's state info in plain words, or None when we have no better words for it (the
    page then shows the platform's text as it is). A failure names its tasks on the first line
    and then gives one line per task (`  load -> Task timed out ...`): each in words too."""
    head, _, rest = (info or "").strip().partition("\n")
    said = _plain_line(head.strip())
    if said is None:
        return None
    for line in rest.splitlines():
        task, arrow, task_info = line.strip().partition(" -> ")
        if arrow:
            said += f" {task}: {_plain_line(task_info.strip()) or task_info.strip()}"
    return said


def _plain_line(text: str) -> str | None:
    for pattern, words in _PLAIN:
        match = pattern.match(text)
        if match:
            return words.format(**match.groupdict())
    return None


# The platform's state info of a task whose job failed: it says nothing a person can act on,
# so the console shows the job's own error instead (read with the run's logs), or nothing.
SAYS_NOTHING = ("One or more actions had failed.",)


def task_hint(task: Task) -> str | None:
    """The line under a task's state in the tasks table: the platform's state info in plain
    words, or as it is unless it is the generic "One or more actions had failed."."""
    info = (task.mistral_state_info or "").strip()
    if not info:
        return None
    return plain_words(info) or (None if info in SAYS_NOTHING else info)


def cause_words(task_name: str, cause: str, others: int = 0) -> str:
    """The headline of a failed run: the task and its job's own error, not the platform's
    summary ("export_state failed: One or more actions had failed.")."""
    said = f"Task {task_name} failed: {cause}"
    if others:
        said += f" ({plural(others, 'other task')} failed too.)"
    return said
