"""People and fresh workflows for the editing tests: an owner who edits, and someone the
owner shares the workflow with at view level only."""

import uuid

import pytest

DEFINITION = """version: "2.0"
workflow:
  tasks:
    extract:
      action: std.noop
      on-success:
        - dedupe
        - load_crm
    dedupe:
      action: std.noop
    load_crm:
      action: std.noop
"""


@pytest.fixture
def owner(actor):
    return actor("aokafor")


@pytest.fixture
def viewer(actor):
    return actor("blindqvist")


@pytest.fixture
def fresh_workflow(owner):
    """A workflow of the owner's own, made through the API, named uniquely."""

    def make(definition: str = DEFINITION, **attributes):
        name = f"Edit test {uuid.uuid4().hex[:8]}"
        return owner.api.post_workflow(name, definition=definition, **attributes)

    return make


def writes(calls, workflow_id=None):
    """The upstream calls that would change something (about `workflow_id` when given)."""
    return [
        (method, path)
        for method, path in calls
        if method != "GET" and (workflow_id is None or path.startswith(f"/workflows/{workflow_id}"))
    ]
