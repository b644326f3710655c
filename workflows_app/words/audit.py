"""The words of the audit log: which workflow, who, and what a change did, for people who do
not know the API ("with the things it uses; new owner Dmitri Volkov", never
"include_dependencies: True, user_id: 5"). What each action is called stays in
`audit/record.py` (ACTION_WORDS); the sentences of a workflow edit are in `words/changes.py`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workflows_app.words.access import describe_access
from workflows_app.words.changes import and_list, archived

# A Civis error class, as the detail of a refused or unanswered change says it.
ERROR_WORDS = {
    "Unauthorized": "the platform did not accept the key",
    "Forbidden": "the platform said they may not",
    "NotFound": "the platform could not find it",
    "Invalid": "the platform refused the change",
    "RateLimited": "the platform was too busy",
    "Unavailable": "the platform did not answer",
    "OutcomeUnknown": "no answer came, so it is not known whether it changed",
}

# Any other detail key, in words (its value follows as given).
KEY_WORDS = {
    "file_hash": "file version",
    "mode": "how they watch it",
    "note": "note",
}


def which_workflow(name: str, workflow_id: str | int | None) -> str:
    """The audit log's "which" for a workflow: its name at the time, else what is known."""
    if name:
        return f"“{name}”"
    return f"A workflow (no. {workflow_id}, name not recorded)" if workflow_id else "A workflow"


def someone(kind: str, object_id: Any, name: str) -> str:
    """A person, group or project by name, else by number."""
    if name:
        return name
    return {"user": "person", "group": "group", "project": "project"}.get(
        kind, kind
    ) + f" no. {object_id}"


def change_details(
    action: str, detail: dict[str, Any], name_of: Callable[[str, Any], str]
) -> list[str]:
    """Sentences for the detail keys this module knows; removes them from `detail`.
    `name_of(kind, id)` names a person, group or project."""
    parts: list[str] = []
    if action == "put_transfer" and "user_id" in detail:
        included = detail.pop("include_dependencies", None)
        if included is not None:
            parts.append("with the things it uses" if included else "without the things it uses")
        parts.append(f"new owner {name_of('user', detail.pop('user_id'))}")
    for kind in ("user", "group"):
        if f"{kind}_ids" in detail:
            names = and_list(name_of(kind, i) for i in detail.pop(f"{kind}_ids") or [])
            level = detail.pop("permission_level", None)
            parts.append(f"{names} {describe_access(level)}" if level else names)
        if f"{kind}_id" in detail and action.startswith("delete_shares"):
            parts.append(f"{name_of(kind, detail.pop(f'{kind}_id'))} no longer has access")
    if action == "put_archive" and "status" in detail:
        parts.append(archived(bool(detail.pop("status"))))
    if "project_id" in detail:
        parts.append(f"project {name_of('project', detail.pop('project_id'))}")
    if "execution_id" in detail:
        parts.append(f"run no. {detail.pop('execution_id')}")
    if detail.get("task_name"):
        parts.append(f"task {detail.pop('task_name')}")
    detail.pop("task_name", None)
    if "result_id" in detail:
        result = detail.pop("result_id")
        what = {"post_clone": "the copy", "post_executions": "the run", "post_api_keys": "the key"}
        if result is not None:
            parts.append(f"{what.get(action, 'the new one')} is no. {result}")
    if "error" in detail:
        error = str(detail.pop("error"))
        parts.append(ERROR_WORDS.get(error, "the platform refused it"))
    return parts


def other_details(detail: Mapping[str, Any]) -> list[str]:
    """Whatever is left, each key in words."""
    return [
        f"{KEY_WORDS.get(key, key.replace('_', ' '))}: {value}"
        for key, value in sorted(detail.items())
    ]


def sentence(parts: list[str]) -> str:
    """'With the things it uses; new owner Dmitri Volkov'."""
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]
