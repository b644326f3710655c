"""What the engine needs from whoever stores executions (the API's models, or memory in tests).

The engine keeps all execution logic; a host only allocates ids, stores things and answers
look-ups. That keeps the API side to plain model reads and writes:

- ids: ``new_execution_id`` and ``new_run_id`` (jobs get theirs from ``create_job``);
- simulated jobs: ``job_fixture`` (how long a run takes and how it ends), ``task_fault``
  (a test lever overriding it for one task of a workflow) and ``create_job``
  for ``civis.scripts.*`` / ``civis.enhancements.cass_ncoa`` / ``civis.import`` tasks;
- runs: ``record_run`` is called when a run is created and whenever the engine changes it
  (finished, cancelled), so ``/jobs/{id}/runs`` can list it. A stored run also carries its
  planned end (``plannedFinishAt`` / ``plannedState``); ``engine.render_run(run, now)`` gives
  its state at any instant without touching the execution;
- child workflows: ``workflow_definition`` to start one, and ``load_execution`` /
  ``save_execution`` to keep the child's state (the engine starts, advances, cancels and
  resumes children itself through the same public functions the API calls);
- notifications: ``notification_settings`` (the workflow's Civis ``notifications`` object)
  and ``notify`` (append an event to the outbox).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class JobFixture:
    """How a simulated job behaves.

    ``outcome`` is ``"succeed"``, ``"fail"`` or ``"fail_then_succeed"``; for the last one the
    first ``fail_times`` attempts of the task fail and later ones succeed. Attempts are counted
    within the task of one execution (including retries), so every execution of a workflow
    tells the same story (guess: the platform has no such thing; this is for demo data).
    """

    duration_seconds: float
    outcome: str = "succeed"
    fail_times: int = 0

    def succeeds(self, attempt: int) -> bool:
        """Whether attempt number ``attempt`` (0 = first) of a task succeeds."""
        if self.outcome == "fail":
            return False
        if self.outcome == "fail_then_succeed":
            return attempt >= self.fail_times
        return True


# A script task without a fixture succeeds after a short duration (guess: 30 s).
DEFAULT_FIXTURE = JobFixture(duration_seconds=30.0)


class Host(Protocol):
    """Storage and look-ups the engine calls; the API implements this over its models."""

    def new_execution_id(self) -> int:
        """A fresh execution id (used for child executions, and top-level ones if no id given)."""
        ...

    def new_run_id(self) -> int:
        """A fresh job-run id."""
        ...

    def job_fixture(self, job_id: int) -> JobFixture | None:
        """The simulated behaviour of a job; None means DEFAULT_FIXTURE."""
        ...

    def task_fault(self, workflow_id: int | None, task_name: str) -> JobFixture | None:
        """A fault set on a workflow's task (a test lever): when not None, every job run of
        that task behaves this way, whatever its job's own fixture says."""
        ...

    def create_job(self, name: str, action: str, params: dict[str, Any]) -> int:
        """Create a job for a script/import/enhancement task and return its id.

        ``name`` is the task's ``name`` input or the task name; ``action`` is the Mistral
        action (e.g. ``civis.scripts.python3``); ``params`` the task input.
        """
        ...

    def record_run(self, run: dict[str, Any]) -> None:
        """Insert or update a run (keyed by ``run["id"]``, job ``run["jobId"]``)."""
        ...

    def workflow_definition(self, workflow_id: int) -> str | None:
        """The YAML definition of a workflow, or None when it does not exist."""
        ...

    def load_execution(self, execution_id: int) -> dict[str, Any] | None:
        """A stored execution state (child executions only are asked for)."""
        ...

    def save_execution(self, state: dict[str, Any]) -> None:
        """Insert or update an execution state (child executions; keyed by ``state["id"]``,
        workflow ``state["workflowId"]``, parent ``state["parentExecutionId"]``)."""
        ...

    def notification_settings(self, workflow_id: int | None) -> dict[str, Any] | None:
        """The workflow's ``notifications`` object (Civis shape), or None."""
        ...

    def notify(self, event: dict[str, Any]) -> None:
        """Append a notification event to the outbox (see notifications.py for the shape)."""
        ...


class InMemoryHost:
    """A Host kept in dicts: for the engine's tests and for seeding histories on a past clock."""

    def __init__(
        self,
        *,
        fixtures: dict[int, JobFixture] | None = None,
        fixtures_by_name: dict[str, JobFixture] | None = None,
        workflows: dict[int, str] | None = None,
        notifications: dict[int, dict[str, Any]] | None = None,
        first_id: int = 1,
    ) -> None:
        self.fixtures: dict[int, JobFixture] = dict(fixtures or {})
        self.fixtures_by_name: dict[str, JobFixture] = dict(fixtures_by_name or {})
        self.workflows: dict[int, str] = dict(workflows or {})
        self.notifications: dict[int, dict[str, Any]] = dict(notifications or {})
        self.executions: dict[int, dict[str, Any]] = {}
        self.jobs: dict[int, dict[str, Any]] = {}
        self.runs: dict[int, dict[str, Any]] = {}
        self.outbox: list[dict[str, Any]] = []
        self.faults: dict[tuple[int | None, str], JobFixture] = {}
        self._execution_ids = itertools.count(first_id)
        self._run_ids = itertools.count(first_id)
        self._job_ids = itertools.count(first_id + 1000)

    def new_execution_id(self) -> int:
        return next(self._execution_ids)

    def new_run_id(self) -> int:
        return next(self._run_ids)

    def job_fixture(self, job_id: int) -> JobFixture | None:
        if job_id in self.fixtures:
            return self.fixtures[job_id]
        job = self.jobs.get(job_id)
        return self.fixtures_by_name.get(job["name"]) if job else None

    def task_fault(self, workflow_id: int | None, task_name: str) -> JobFixture | None:
        return self.faults.get((workflow_id, task_name))

    def create_job(self, name: str, action: str, params: dict[str, Any]) -> int:
        job_id = next(self._job_ids)
        self.jobs[job_id] = {"id": job_id, "name": name, "action": action, "params": params}
        return job_id

    def record_run(self, run: dict[str, Any]) -> None:
        self.runs[run["id"]] = dict(run)

    def workflow_definition(self, workflow_id: int) -> str | None:
        return self.workflows.get(workflow_id)

    def load_execution(self, execution_id: int) -> dict[str, Any] | None:
        return self.executions.get(execution_id)

    def save_execution(self, state: dict[str, Any]) -> None:
        self.executions[state["id"]] = state

    def notification_settings(self, workflow_id: int | None) -> dict[str, Any] | None:
        return self.notifications.get(workflow_id) if workflow_id is not None else None

    def notify(self, event: dict[str, Any]) -> None:
        self.outbox.append(event)
