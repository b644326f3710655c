"""Workflows that fail, succeed, pause or are due on demand (civis_local's admin-only faults
lever and its clock), the people who watch them, and the refresh engine run as beat runs it."""

import datetime as dt

import pytest
import requests
from django.test import Client

from tests.helpers import sign_in, wait_for
from workflows_app.civis.types import Execution
from workflows_app.models import TrackedWorkflow
from workflows_app.triage import engine

ONE_JOB = """version: '2.0'
nightly_load:
  tasks:
    load:
      action: civis.scripts.python3
"""
PAUSES_FIRST = """version: '2.0'
approval:
  type: direct
  tasks:
    publish_report:
      action: std.noop
      pause-before: true
"""


class Levers:
    def __init__(self, api):
        self.api = api

    def _post(self, path: str, **body):
        answer = requests.post(
            self.api.url + path,
            json=body,
            headers={"Authorization": f"Bearer {self.api.admin_key}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def fail(self, workflow_id: int) -> None:
        self._post("_local/faults", workflow_id=workflow_id, outcome="fail", duration=0)

    def succeed(self, workflow_id: int) -> None:
        self._post("_local/faults", workflow_id=workflow_id, outcome="succeed", duration=0)

    def clear(self) -> None:
        requests.delete(
            self.api.url + "_local/faults",
            headers={"Authorization": f"Bearer {self.api.admin_key}"},
            timeout=30,
        )

    def clock(self, **body):
        return self._post("_local/clock", **body)


@pytest.fixture
def levers(use_local_api):
    made = Levers(use_local_api)
    yield made
    made.clear()


def finished(actor, workflow_id: int, execution_id: int) -> Execution:
    return wait_for(
        lambda: actor.api.get_executions(workflow_id, execution_id),
        lambda e: e.is_terminal,
        seconds=30,
    )


def run_and_wait(actor, workflow_id: int) -> Execution:
    started = actor.api.post_executions(workflow_id)
    return finished(actor, workflow_id, started.id)


def beat(now: dt.datetime | None = None) -> int:
    """One beat of the engine, with everything due now (as if an interval had passed)."""
    TrackedWorkflow.objects.update(next_read_at=None)
    return engine.refresh_due(now)


@pytest.fixture
def signed_in_as(sign_in):
    """`signed_in_as(actor)`: a fresh Django client signed in as that person."""

    def make(who):
        client = Client()
        sign_in(client, who)
        return client

    return make


__all__ = ["sign_in", "wait_for"]
