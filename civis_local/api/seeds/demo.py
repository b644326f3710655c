"""The `demo` seed: twelve people, four groups, about sixty workflows with schedules,
notifications, shares, projects, git attachments and histories of 0-200 executions, plus a
few executions live right now. Deterministic (fixed random seed) and quick (a few seconds)."""

import random
from datetime import timedelta

from django.db import transaction

from ..definitions import validate
from ..execution_host import seed_live_executions
from ..levers import now
from ..models import MANAGE, READ, WRITE, Execution, Job, JobRun, Project, Share, Workflow
from ..workflow_state import refresh_workflow_state
from .git import attach_git
from .history import History, Ids, spaced_starts, write_execution
from .people import LEAVING, seed_it_operations, seed_people
from .retryable import make_latest_failures_retryable
from .shapes import SHAPES

# name, description, shape
CATALOGUE = [
    (
        "Nightly voter file refresh",
        "Pulls the state voter files and rebuilds the analytic table.",
        "linear",
    ),
    ("Weekly donor scoring", "Scores the donor universe with the latest model.", "handled"),
    ("Canvass results import", "Imports door-knock results from the field app.", "retry"),
    ("Turnout model build", "Fits the turnout model on the refreshed voter file.", "reverse"),
    ("Daily fundraising dashboard", "Feeds the fundraising dashboard.", "fanout"),
    ("Email list hygiene", "Removes bounces and unsubscribes.", "single"),
    (
        "Quarterly board report",
        "Builds the board report; waits for a human to approve publishing.",
        "approval",
    ),
    ("Per-state exports", "Exports one file per early state.", "items"),
    ("Vendor match-back", "Matches vendor responses back to the voter file.", "linear"),
    ("Survey weighting", "Weights the tracking survey to the target population.", "handled"),
    ("Volunteer shift sync", "Keeps volunteer shifts in sync with the CRM.", "single"),
    ("Persuasion universe", "Builds the persuasion universe from the support model.", "child"),
    ("Mail program QA", "Checks the mail program files before they go to the printer.", "fanout"),
    ("SMS opt-out sync", "Syncs opt-outs from the texting vendor.", "retry"),
    ("Polling place lookup", "Refreshes polling place assignments.", "linear"),
    ("Digital ads audiences", "Uploads audiences to the ad platforms.", "fanout"),
    ("Data warehouse vacuum", "Vacuums and analyzes the large tables.", "single"),
    ("Precinct targets", "Ranks precincts by expected votes gained.", "child"),
    ("Call time lists", "Prepares call time lists for the finance team.", "linear"),
    ("Event RSVP import", "Imports RSVPs from the events platform.", "retry"),
]
SPECIAL = [
    (
        "<b>Bold</b> report & <i>friends</i>",
        "Description with <a href='#'>a link</a> & an ampersand.",
        "single",
    ),
    (
        "Alert <script>alert('owned')</script>",
        "<script>document.title='owned'</script> must show as text.",
        "linear",
    ),
    (
        "Análisis de encuestas — São Paulo",
        "Pondération des résultats, 日本語のメモ, emoji ✓.",
        "handled",
    ),
    ("Zürich Übersicht (ÄÖÜ)", "Ünïcödé everywhere.", "single"),
]
REGIONS = ["Midwest", "Southwest", "Northeast", "Southeast", "Pacific", "Mountain West"]
TIME_ZONES = ["America/Chicago", "America/New_York", "America/Los_Angeles", "Europe/London",
              "America/Denver"]  # fmt: skip
HISTORY_SIZES = [0, 0, 1, 3, 5, 8, 12, 20, 30, 45, 60, 90, 140, 200]
RANDOM_SEED = 20260417


def _catalogue(rng: random.Random) -> list[tuple[str, str, str]]:
    entries = list(CATALOGUE)
    for region in REGIONS:
        for name, description, shape in rng.sample(CATALOGUE, 6):
            entries.append((f"{name} ({region})", description, shape))
    return entries[:56] + SPECIAL


def _schedule(rng: random.Random) -> dict:
    kind = rng.choice(["none", "none", "daily", "weekly", "monthly"])
    if kind == "none":
        return {"scheduled": False}
    base = {"scheduled": True, "scheduled_hours": [rng.choice([1, 2, 5, 6, 22])],
            "scheduled_minutes": [rng.choice([0, 15, 30, 45])]}  # fmt: skip
    if kind == "weekly":
        base["scheduled_days"] = [rng.choice([1, 3, 5])]
    elif kind == "monthly":
        base["scheduled_days_of_month"] = [1, 15]
    else:
        base["scheduled_days"] = [0, 1, 2, 3, 4, 5, 6]
    return base


def _notifications(rng: random.Random, email: str) -> dict:
    return {
        "urls": ["https://hooks.example.test/workflows"] if rng.random() < 0.2 else [],
        "success_email_addresses": [email] if rng.random() < 0.5 else [],
        "failure_email_addresses": [email, "data-oncall@civis-local.test"],
        "stall_warning_minutes": rng.choice([None, None, 60, 120]),
        "success_on": rng.random() < 0.6,
        "failure_on": True,
    }


class JobFactory:
    def __init__(self, owner, at, rng: random.Random):
        self.owner, self.at, self.rng = owner, at, rng
        self.workflow = None

    def __call__(self, task: str, seconds: float) -> int:
        roll = self.rng.random()
        outcome = "fail" if roll < 0.05 else "fail_then_succeed" if roll < 0.15 else "succeed"
        job = Job.objects.create(
            name=f"{task.replace('_', ' ').title()} #{self.rng.randrange(1000, 9999)}",
            author=self.owner,
            workflow=self.workflow,
            fixture={"duration": seconds, "outcome": outcome, "fail_times": 1},
            created_at=self.at,
            updated_at=self.at,
        )
        return job.id


def _owners(staff, rng: random.Random, count: int) -> list:
    leaving = next(user for user in staff if user.username == LEAVING)
    others = [user for user in staff if user.username != LEAVING]
    owners = [leaving] * 32 + [rng.choice(others) for _ in range(count - 32)]
    rng.shuffle(owners)
    return owners


@transaction.atomic
def seed_demo() -> None:
    rng = random.Random(RANDOM_SEED)
    at = now()
    admin, staff, groups = seed_people(at)
    entries = _catalogue(rng)
    owners = _owners(staff, rng, len(entries))
    created, plans = [], []
    child_target = None
    for (name, description, shape), owner in zip(entries, owners, strict=True):
        when = at - timedelta(days=rng.randint(30, 400))
        workflow = Workflow.objects.create(
            name=name,
            description=description,
            user=owner,
            schedule=_schedule(rng),
            time_zone=rng.choice(TIME_ZONES),
            notifications=_notifications(rng, owner.email),
            allow_concurrent_executions=rng.random() < 0.3,
            created_at=when,
            updated_at=when,
        )
        jobs = JobFactory(owner, when, rng)
        jobs.workflow = workflow
        definition, steps = SHAPES[shape](jobs, child_target)
        if shape in {"linear", "single"} and child_target is None:
            child_target = workflow.id
        workflow.definition = definition
        workflow.valid, workflow.validation_errors = validate(definition)
        workflow.file_id = 100000 + workflow.id
        workflow.save()
        created.append(workflow)
        plans.append(steps)
    _share(created, staff, groups, rng)
    seed_it_operations(at)
    _projects(created, staff, rng, at)
    for workflow in rng.sample(created, 8):
        attach_git(workflow, at, rng)
    _histories(created, plans, rng, at)
    for workflow in created:
        workflow.updated_at = max(workflow.updated_at, at - timedelta(days=rng.randint(0, 20)))
        refresh_workflow_state(workflow, at, save=False)
        workflow.save()
    seed_live_executions(created, at)


def _share(workflows, staff, groups, rng: random.Random) -> None:
    shares = []
    for workflow in workflows:
        people = [user for user in staff if user.id != workflow.user_id]
        for user in rng.sample(people, rng.randint(0, 3)):
            shares.append(
                Share(workflow=workflow, user=user, level=rng.choice([READ, WRITE, MANAGE]))
            )
        for group in rng.sample(groups, rng.randint(0, 2)):
            shares.append(
                Share(workflow=workflow, group=group, level=rng.choice([READ, READ, WRITE]))
            )
    Share.objects.bulk_create(shares)


def _projects(workflows, staff, rng: random.Random, at) -> None:
    names = ["2026 Midterms", "Donor Growth", "Field Program", "Research & Polling",
             "Client: Example Coalition"]  # fmt: skip
    for name in names:
        author = rng.choice(staff)
        project = Project.objects.create(
            name=name, description=f"Everything for {name}.", author=author,
            created_at=at - timedelta(days=200), updated_at=at - timedelta(days=3),
        )  # fmt: skip
        project.users.add(author, *rng.sample(staff, 3))
        project.workflows.add(*rng.sample(workflows, 6))


def _histories(workflows, plans, rng: random.Random, at) -> None:
    ids = Ids(execution=0, run=0)
    history = History()
    latest_failed = {}
    for workflow, steps in zip(workflows, plans, strict=True):
        count = rng.choice(HISTORY_SIZES)
        every = rng.choice([6, 24, 24, 168])
        end = at - timedelta(hours=1)
        for started in spaced_starts(count, end, rng, every):
            execution = write_execution(workflow, steps, started, rng, ids, history)
            if execution.state == "failed":
                latest_failed[workflow.id] = (execution, steps)
    make_latest_failures_retryable(latest_failed, workflows, history, ids, at)
    JobRun.objects.bulk_create(history.runs, batch_size=2000)
    Execution.objects.bulk_create(history.executions, batch_size=2000)
