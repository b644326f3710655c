"""Helpers for the tests of the pages that change a workflow (schedule, notifications, copy and
archive, projects, git): fresh workflows owned by a demo person, shared as a test needs."""

import uuid

DEFINITION = (
    "version: '2.0'\nworkflow:\n  tasks:\n    say_hello:\n      action: std.echo\n"
    "      input:\n        output: hello\n"
)


def new_workflow(owner, label: str = "Change test", **attributes):
    """A fresh workflow owned by `owner` (an `Actor`), made through the API."""
    name = f"{label} {uuid.uuid4().hex[:8]}"
    return owner.api.post_workflow(name, definition=DEFINITION, **attributes)


def share(owner, workflow, who, level: str = "read") -> None:
    owner.api.put_shares_users(workflow.id, [who.person.id], level)


def changes(calls: list[tuple[str, str]], workflow_id: int) -> list[tuple[str, str]]:
    """The calls that would change something upstream about this workflow."""
    return [
        (method, path)
        for method, path in calls
        if method != "GET" and path.startswith(f"/workflows/{workflow_id}")
    ]
