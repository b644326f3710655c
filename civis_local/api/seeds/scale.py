"""The `scale` seed: the demo's people, 10,000 workflows and 100,000 executions (with their job
runs), written with bulk inserts and precomputed denormalised columns, in well under two
minutes. For benches of the list endpoints, not for looking at."""

import random
from datetime import timedelta

from django.db import transaction

from civis_local import engine

from .. import render
from ..definitions import validate
from ..levers import now
from ..models import READ, WRITE, Execution, Job, JobRun, Share, Workflow
from ..wire import timestamp
from .people import seed_people

WORKFLOWS = 10_000
EXECUTIONS = 100_000
BATCH = 5_000
RANDOM_SEED = 7
STATES = ["succeeded"] * 80 + ["failed"] * 12 + ["cancelled"] * 5 + ["running"] * 3
NAMES = ["Voter file refresh", "Donor scoring", "Canvass import", "Turnout model",
         "Dashboard feed", "List hygiene", "Survey weighting", "Ad audiences"]  # fmt: skip
DEFINITION = (
    "version: '2.0'\nsync:\n  type: direct\n  tasks:\n    sync_table:\n"
    "      action: civis.run_job\n      input:\n        job_id: {job_id}\n"
)


@transaction.atomic
def seed_scale() -> None:
    rng = random.Random(RANDOM_SEED)
    at = now()
    _, staff, groups = seed_people(at)
    workflows, jobs = [], []
    valid, errors = validate(DEFINITION.format(job_id=1))
    for index in range(1, WORKFLOWS + 1):
        owner = rng.choice(staff)
        created = at - timedelta(days=rng.randint(1, 900), minutes=index)
        scheduled = rng.random() < 0.3
        workflow = Workflow(
            id=index,
            name=f"{rng.choice(NAMES)} {index:05d}",
            description=f"Scale workflow {index}",
            definition=DEFINITION.format(job_id=index),
            valid=valid,
            validation_errors=errors,
            file_id=100000 + index,
            user=owner,
            scheduled=scheduled,
            schedule={
                "scheduled": scheduled,
                "scheduled_days": [1, 3, 5],
                "scheduled_hours": [rng.randrange(24)],
                "scheduled_minutes": [0],
            }
            if scheduled
            else {"scheduled": False},  # fmt: skip
            time_zone="America/Chicago",
            archived=rng.random() < 0.05,
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(0, 30)),
        )
        if scheduled:
            workflow.next_execution_at = engine.next_execution_at(
                render.schedule(workflow), workflow.time_zone, at
            )
        workflows.append(workflow)
        jobs.append(
            Job(id=index, name=f"Sync table {index}", author=owner, workflow_id=index,
                fixture={"duration": 60}, created_at=created, updated_at=created)
        )  # fmt: skip
    per_workflow = _spread(rng)
    executions, runs = _executions(workflows, per_workflow, rng, at)
    Workflow.objects.bulk_create(workflows, batch_size=BATCH)
    Job.objects.bulk_create(jobs, batch_size=BATCH)
    JobRun.objects.bulk_create(runs, batch_size=BATCH)
    Execution.objects.bulk_create(executions, batch_size=BATCH)
    Share.objects.bulk_create(_shares(workflows, staff, groups, rng), batch_size=BATCH)


def _spread(rng: random.Random) -> list[int]:
    """Execution counts per workflow summing to EXECUTIONS (0 for some, many for a few)."""
    weights = [rng.choice([0, 1, 2, 5, 10, 10, 20, 40]) for _ in range(WORKFLOWS)]
    total = sum(weights)
    counts = [weight * EXECUTIONS // total for weight in weights]
    for index in range(EXECUTIONS - sum(counts)):
        counts[index % WORKFLOWS] += 1
    return counts


def _executions(workflows, per_workflow, rng: random.Random, at):
    executions, runs = [], []
    for workflow, count in zip(workflows, per_workflow, strict=True):
        started = at - timedelta(hours=count * 6 + 1)
        state = None
        for number in range(count):
            latest = number == count - 1
            state = rng.choice(STATES) if latest else rng.choice(STATES[:-3])
            started += timedelta(hours=6)
            finished = None if state == "running" else started + timedelta(minutes=3)
            run_state = "running" if state == "running" else state
            run = JobRun(id=len(runs) + 1, job_id=workflow.id, state=run_state,
                         created_at=started, started_at=started, finished_at=finished)  # fmt: skip
            runs.append(run)
            mistral = {"succeeded": "success", "failed": "error", "cancelled": "cancelled",
                       "running": "running"}[state]  # fmt: skip
            task = {"name": "sync_table", "mistralState": mistral, "mistralStateInfo": None,
                    "executions": [],
                    "runs": [{"id": run.id, "jobId": workflow.id, "state": run_state,
                              "createdAt": timestamp(started), "startedAt": timestamp(started),
                              "finishedAt": timestamp(finished)}]}  # fmt: skip
            executions.append(
                Execution(
                    id=len(executions) + 1,
                    workflow_id=workflow.id,
                    user_id=workflow.user_id,
                    state=state,
                    mistral_state=mistral,
                    definition=workflow.definition,
                    tasks=[task],
                    started_at=started,
                    finished_at=finished,
                    created_at=started,
                    updated_at=finished or started,
                )
            )
        if count:
            workflow.state = state
            workflow.last_execution_id = len(executions)
        else:
            workflow.state = "scheduled" if workflow.scheduled else "idle"
    return executions, runs


def _shares(workflows, staff, groups, rng: random.Random) -> list[Share]:
    shares = []
    for workflow in workflows:
        if rng.random() < 0.3:
            user = rng.choice(staff)
            if user.id != workflow.user_id:
                shares.append(Share(workflow=workflow, user=user, level=rng.choice([READ, WRITE])))
        if rng.random() < 0.2:
            shares.append(Share(workflow=workflow, group=rng.choice(groups), level=READ))
    return shares
