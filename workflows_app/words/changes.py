"""The words of a change to a workflow: the plain summary on the check page, the revision
history and the audit log. Sentences are built here and nowhere else; the editing package
decides *what* changed, this module says it.

Those who add schedule, notification, project or git changes add their sentences here too
("runs at 07:00 instead of 06:00, Chicago time")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from workflows_app.civis.types import Schedule
from workflows_app.words.counts import plural
from workflows_app.words.schedules import NO_HOURS, describe_schedule, zone_words

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


# The audit log's sentences for what a schedule, time zone or email change set (its values, not
# only "Changed its schedule"). Lower-case: they follow other parts of an entry's detail.
# Fields said by these sentences are left out of `audit_change`'s list.
SAID_WITH_VALUES = ("schedule", "time_zone", "notifications")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def schedule_now(schedule: Schedule, time_zone: str | None) -> str:
    """'schedule set to every weekday at 07:00 (Chicago time)'; paused; or removed."""
    if not schedule.hours:
        if schedule.scheduled:
            return "schedule turned on, but no hours are chosen, so it does not run"
        return "schedule removed: it runs only when someone starts it"
    said = describe_schedule(schedule.model_copy(update={"scheduled": True}), time_zone)
    if said == NO_HOURS:  # hours the API sent out of range
        return "schedule changed, but no hours are chosen, so it does not run"
    if not schedule.scheduled:
        return f"schedule paused: it won't run {_lower_first(said)} until resumed"
    return "schedule set to " + ("run " if said.startswith("On ") else "") + _lower_first(said)


def time_zone_now(time_zone: str) -> str:
    return f"time zone set to {zone_words(time_zone) or time_zone}"


def emails_now(emails: Mapping[str, Any], who: Callable[[str], str]) -> list[str]:
    """'failure emails now go to Ada Okafor and ops@example.org', 'no success emails', and the
    warning for a long run; `who(address)` names a person the console knows by address."""
    said = []
    for kind in ("failure", "success"):
        if f"{kind}_email_addresses" not in emails and f"{kind}_on" not in emails:
            continue
        addresses = [a for a in emails.get(f"{kind}_email_addresses") or () if a]
        on = emails.get(f"{kind}_on")
        # failure emails go out unless turned off; success emails only when turned on
        sent = on is not False if kind == "failure" else bool(on)
        if sent and addresses:
            said.append(f"{kind} emails now go to {and_list(who(a) for a in addresses)}")
        else:
            said.append(f"no {kind} emails")
    minutes = emails.get("stall_warning_minutes")
    if isinstance(minutes, int) and minutes > 0:
        said.append(f"a warning when a run takes longer than {plural(minutes, 'minute')}")
    return said


def archived(status: bool) -> str:
    return "archived" if status else "restored"
