"""/jobs/{id}, its runs and their logs: the simulated jobs behind workflow tasks."""

from django.db.models import Q

from civis_local import engine

from .. import render
from ..execution_host import parse_time
from ..levers import now
from ..models import LEVEL_NAMES, MANAGE, Job, JobRun, JobShare
from ..permissions import level_of
from ..wire import ApiError, Page, json_response, query_int, timestamp
from . import methods

RUN_ORDERS = {"id": "id", "created_at": "created_at"}


def _job(request, id) -> tuple[Job, str]:
    """Readable by its author, a user it is shared with, admins, and whoever can read the
    workflow whose task created it (how the console reaches a task's run)."""
    job = Job.objects.select_related("author", "workflow").filter(id=id).first()
    caller = request.caller
    if job is None:
        raise ApiError(404, f"Job {id} not found.")
    levels = []
    if caller.is_admin or job.author_id == caller.user.id:
        levels.append(MANAGE)
    share = JobShare.objects.filter(Q(job=job) & Q(user=caller.user)).first()
    if share:
        levels.append(share.level)
    if job.workflow is not None:
        workflow_level = level_of(caller, job.workflow)
        if workflow_level:
            levels.append(workflow_level)
    if not levels:
        raise ApiError(404, f"Job {id} not found.")
    return job, LEVEL_NAMES[max(levels)]


def current(run: JobRun) -> JobRun:
    """An engine run as it stands now: its planned end applies once the clock passes it."""
    if run.engine_run is None:
        return run
    shown = engine.render_run(run.engine_run, now())
    run.state = shown["state"]
    run.finished_at = parse_time(shown["finishedAt"])
    return run


def get_job(request, id):
    job, level = _job(request, id)
    runs = [current(run) for run in job.runs.order_by("-id")[:10]]
    return json_response(render.job(job, runs, level))


def list_runs(request, id):
    job, _ = _job(request, id)
    page = Page(request, RUN_ORDERS, "id", max_limit=100)
    rows, total = page.apply(JobRun.objects.filter(job=job))
    return page.respond(rows, total, lambda run: render.job_run(current(run)))


def _run(request, id, run_id) -> JobRun:
    job, _ = _job(request, id)
    run = JobRun.objects.filter(job=job, id=run_id).first()
    if run is None:
        raise ApiError(404, f"Run {run_id} of job {id} not found.")
    return run


def get_run(request, id, run_id):
    return json_response(render.job_run(current(_run(request, id, run_id))))


def log_lines(run: JobRun) -> list[dict]:
    """Deterministic log lines of a simulated run, derived from its state and times."""
    lines = [(run.created_at, "info", f"Run {run.id} queued.")]
    if run.started_at:
        lines.append((run.started_at, "info", f"Run {run.id} started on a simulated worker."))
        lines.append((run.started_at, "debug", "Loading inputs."))
    if run.state == "succeeded":
        lines.append((run.finished_at, "info", "Process finished with exit code 0."))
    elif run.state == "failed":
        lines.append((run.finished_at, "error", run.error or "Process failed with exit code 1."))
    elif run.state == "cancelled":
        lines.append((run.finished_at, "warn", "Run cancelled."))
    return [
        {"id": index, "createdAt": timestamp(at), "message": message, "level": level}
        for index, (at, level, message) in enumerate(lines)
    ]


def get_logs(request, id, run_id):
    run = current(_run(request, id, run_id))
    last_id = query_int(request, "last_id")
    limit = query_int(request, "limit", 100)
    lines = [line for line in log_lines(run) if last_id is None or line["id"] > last_id]
    return json_response(lines[:limit])


job = methods(GET=get_job)
runs = methods(GET=list_runs)
run = methods(GET=get_run)
logs = methods(GET=get_logs)
