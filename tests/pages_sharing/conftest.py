"""Actors for the sharing pages: demo people with fresh keys, and workflows made for each test
through the API (the demo server is shared by the session, so no test touches seeded ones)."""

import uuid
from dataclasses import dataclass

import pytest
import requests

from workflows_app.accounts import signins_by_account
from workflows_app.civis.client import CivisClient
from workflows_app.civis.types import Person


@dataclass
class Actor:
    person: Person
    key: str
    api: CivisClient


@pytest.fixture
def admin_api(use_local_api):
    return CivisClient(use_local_api.admin_key, endpoint=use_local_api.url)


@pytest.fixture
def actor(admin_api, use_local_api):
    """`actor("aokafor")`: that demo person, with a key minted for this test."""

    def make(username: str) -> Actor:
        person = next(p for p in admin_api.search_users(username).items if p.username == username)
        # Tests sign the same people in many times: start each test within the sign-in limit.
        signins_by_account.reset(str(person.id))
        key = admin_api.create_api_key(person.id, name="pages_sharing test")
        return Actor(person, key, CivisClient(key, endpoint=use_local_api.url))

    return make


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


@pytest.fixture
def sign_in():
    """Sign a Django test client in through the real sign-in page."""

    def do(client, who: Actor):
        response = client.post("/sign-in/", {"api_key": who.key})
        assert response.status_code == 302, response.content
        return client

    return do


@pytest.fixture
def upstream_calls(use_local_api):
    """`upstream_calls()`: requests per route the local API has answered so far."""

    def counts() -> dict:
        return requests.get(use_local_api.url + "_local/requests", timeout=5).json()["byRoute"]

    return counts
