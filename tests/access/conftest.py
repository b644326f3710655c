"""Actors for the sharing pages: demo people with fresh keys, and workflows made for each test
through the API (the demo server is shared by the session, so no test touches seeded ones)."""

import uuid

import pytest

from tests.conftest import Actor


@pytest.fixture
def group_named(admin_api):
    def find(name: str):
        return next(g for g in admin_api.search_groups(name).items if g.name == name)

    return find


def workflow_yaml(child_id: int | None = None) -> str:
    """A valid definition; with `child_id`, it runs that workflow (a dependency)."""
    if child_id is None:
        task = "    say_hello:\n      action: std.echo\n      input:\n        output: hello\n"
    else:
        task = (
            "    run_child:\n      action: civis.workflows.execute\n"
            f"      input:\n        workflow_id: {child_id}\n"
        )
    return f"version: '2.0'\nworkflow:\n  tasks:\n{task}"


@pytest.fixture
def new_workflow():
    """`new_workflow(actor, child_id=None)`: a fresh workflow owned by that actor."""

    def make(owner: Actor, child_id: int | None = None, label: str = "Sharing test"):
        name = f"{label} {uuid.uuid4().hex[:8]}"
        return owner.api.post_workflow(name, definition=workflow_yaml(child_id))

    return make
