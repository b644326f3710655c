"""The words of a change to a workflow: the plain summary on the check page, the revision
history and the audit log. Sentences are built here and nowhere else; the editing package
decides *what* changed, this module says it.

Those who add schedule, notification, project or git changes add their sentences here too
("runs at 07:00 instead of 06:00, Chicago time")."""

from __future__ import annotations

from collections.abc import Iterable

# A workflow's attributes as the audit log and the summary name them (API snake_case -> words).
FIELD_WORDS = {
    "name": "name",
    "description": "description",
    "definition": "definition",
    "from_job_chain": "definition (built from a job chain)",
    "schedule": "schedule",
    "notifications": "notifications",
    "time_zone": "time zone",
    "allow_concurrent_executions": "runs at the same time",
    "hidden": "hidden",
}

# How one task leads to the next (the definition's `on-success`, `on-error`, `on-complete`).
AFTER_WORDS = {
    "success": "runs after {source}",
    "error": "runs if {source} fails",
    "complete": "runs after {source} finishes, whether it worked or not",
    "requires": "needs {source} first",
}


def and_list(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def field_list(fields: Iterable[str]) -> str:
    """The words for a set of API field names, in a steady order: 'name and definition'."""
    order = list(FIELD_WORDS)
    known = sorted((f for f in fields if f in FIELD_WORDS), key=lambda f: order.index(f))
    return and_list(FIELD_WORDS[f] for f in known)


def created(name: str) -> str:
    return f"Created “{name}”"


def renamed(before: str, after: str) -> str:
    return f"Renamed from “{before}” to “{after}”"


def description_changed(before: str | None, after: str | None) -> str:
    if not before:
        return "A description is added"
    if not after:
        return "The description is removed"
    return "The description is changed"


def task_added(name: str, action: str | None) -> str:
    return f"A new task {name}" + (f" ({action_words(action)})" if action else "")


def task_removed(name: str) -> str:
    return f"Task {name} is removed"


def now_runs(target: str, source: str, kind: str) -> str:
    return f"{target} now " + AFTER_WORDS.get(kind, AFTER_WORDS["success"]).format(source=source)


def no_longer_runs(target: str, source: str, kind: str) -> str:
    return f"{target} no longer " + AFTER_WORDS.get(kind, AFTER_WORDS["success"]).format(
        source=source
    )


def action_changed(task: str, before: str | None, after: str | None) -> str:
    return f"{task} now {action_words(after)} (before this change it {action_words(before)})"


def job_changed(task: str, before: object, after: object) -> str:
    return f"{task} now runs job {after} instead of job {before}"


def settings_changed(task: str) -> str:
    return f"{task}: its settings are changed"


def definition_unreadable() -> str:
    return "The definition is changed (it cannot be read as a workflow, so see the lines below)"


def definition_layout_only() -> str:
    return "The definition's wording is changed; its tasks and their order stay the same"


def definition_created(tasks: int) -> str:
    return f"A definition with {tasks} task{'s' if tasks != 1 else ''}"


NOTHING_CHANGED = "Nothing is changed: this is the version it has now"

# What a definition's task does, for a task_added sentence; others are shown as written.
ACTIONS = {
    "civis.run_job": "runs a job",
    "civis.workflows.execute": "runs another workflow",
    "std.noop": "does nothing yet",
    "std.echo": "passes on a value",
    "std.fail": "stops the workflow as failed",
    "std.async_noop": "waits to be told to finish",
}


def action_words(action: str | None) -> str:
    if not action:
        return "has no action"
    return ACTIONS.get(action, f"does {action}")


# The audit log's sentence for a create, replace or change (the fields, never their values).
def audit_change(action: str, fields: Iterable[str]) -> str:
    fields = [f for f in fields if f in FIELD_WORDS]
    listed = field_list(fields)
    if action == "post":
        return f"Created with its {listed}" if listed else "Created"
    if action == "put":
        return f"Replaced its settings as a whole: {listed}" if listed else "Replaced its settings"
    return f"Changed its {listed}" if listed else "Changed nothing"
