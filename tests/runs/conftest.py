"""Actors and executions for the execution pages: a person who owns workflows made for the
test (so their executions fail, run or pause exactly when we want), and a colleague who can
only view them."""

import pytest

from tests.helpers import sign_in, wait_for  # noqa: F401 (the pages' tests import them from here)
from workflows_app.civis.client import CivisClient
from workflows_app.civis.types import Execution
from workflows_app.core.accounts import signins_by_account

TIMES_OUT = """version: '2.0'
vendor_wait:
  type: direct
  tasks:
    wait_for_vendor:
      action: std.async_noop
      timeout: {seconds}
"""
RUNS_UNTIL_CANCELLED = """version: '2.0'
keeps_going:
  type: direct
  tasks:
    listen_for_changes:
      action: std.async_noop
"""
PAUSES_FIRST = """version: '2.0'
approval:
  type: direct
  tasks:
    publish_report:
      action: std.noop
      pause-before: true
"""


class Owner:
    """A demo person acting upstream with their own key: makes workflows and runs them."""

    def __init__(self, person, key: str, endpoint: str):
        self.person, self.key = person, key
        self.api = CivisClient(key, endpoint=endpoint)

    def workflow(self, name: str, definition: str):
        return self.api.post_workflow(name, definition=definition)

    def start(self, definition: str, name: str = "Test workflow") -> Execution:
        workflow = self.workflow(name, definition)
        return self.api.post_executions(workflow.id)

    def read(self, execution: Execution) -> Execution:
        return self.api.get_executions(execution.workflow_id, execution.id)

    def failed(self, seconds: int = 1) -> Execution:
        """An execution whose only task timed out, so it failed (retry makes it run again,
        then fail again after `seconds`)."""
        execution = self.start(TIMES_OUT.format(seconds=seconds), "Vendor wait")
        return wait_for(lambda: self.read(execution), lambda e: e.state == "failed")

    def running(self) -> Execution:
        return self.start(RUNS_UNTIL_CANCELLED, "Keeps going")

    def paused(self) -> Execution:
        execution = self.start(PAUSES_FIRST, "Board report approval")
        return wait_for(lambda: self.read(execution), lambda e: e.mistral_state == "paused")


def _person(admin: CivisClient, username: str):
    person = next(p for p in admin.search_users(username, limit=50).items if p.username == username)
    signins_by_account.reset(str(person.id))  # these tests sign the same people in many times
    return person


def seeded_execution(admin: CivisClient, has, **filters) -> tuple:
    """The first execution (newest workflows first) of the demo seed's history with a task
    for which `has(task)` is true, and that task. Workflows the tests made have no job runs
    and no child executions, so they never match."""
    for workflow in admin.iter_workflows(**filters):
        for summary in admin.list_executions(workflow.id, limit=10).items:
            execution = admin.get_executions(workflow.id, summary.id)
            task = next((t for t in execution.tasks if has(t)), None)
            if task is not None:
                return execution, task
    raise AssertionError("the demo seed has no such execution")


@pytest.fixture
def owner(admin_api, use_local_api):
    person = _person(admin_api, "aokafor")
    key = admin_api.create_api_key(person.id, name="execution pages test")
    return Owner(person, key, use_local_api.url)


@pytest.fixture
def viewer(admin_api, use_local_api):
    """A colleague (Bruno) who will be given view-only access where a test says so."""
    person = _person(admin_api, "blindqvist")
    key = admin_api.create_api_key(person.id, name="execution pages test")
    return Owner(person, key, use_local_api.url)


@pytest.fixture
def owner_client(client, owner):
    return sign_in(client, owner.key)
