"""/workflows: list, create, read, replace, update, clone, archive."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from .. import render
from ..definitions import from_job_chain, validate
from ..levers import now
from ..models import MANAGE, READ, WRITE, Job, Workflow
from ..permissions import get_workflow, visible_workflows
from ..render import DEFAULT_NOTIFICATIONS, EMPTY_SCHEDULE
from ..wire import ApiError, Page, body_bool, json_response, query_bool, query_list, read_body
from ..workflow_state import refresh_workflow_state
from . import methods

WORKFLOW_STATES = {"queued", "running", "succeeded", "failed", "cancelled", "idle", "scheduled"}
ORDERS = {"updated_at": "updated_at", "name": "name", "created_at": "created_at"}
DEFAULT_TIME_ZONE = "America/Chicago"


def valid_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def list_workflows(request):
    """Filtered and paginated in SQL; the summary needs no per-row query (user is joined)."""
    page = Page(request, ORDERS, "updated_at")
    rows = visible_workflows(request.caller).select_related("user")
    rows = rows.filter(hidden=bool(query_bool(request, "hidden")))
    archived = (request.GET.get("archived") or "false").lower()
    if archived not in {"true", "false", "all"}:
        raise ApiError(400, "archived must be one of: true, false, all.")
    if archived != "all":
        rows = rows.filter(archived=archived == "true")
    authors = query_list(request, "author")
    if authors:
        try:
            rows = rows.filter(user_id__in=[int(author) for author in authors])
        except ValueError as exc:
            raise ApiError(400, "author must be a comma-separated list of user IDs.") from exc
    states = query_list(request, "state")
    unknown = set(states) - WORKFLOW_STATES
    if unknown:
        raise ApiError(400, "Unknown state(s): " + ", ".join(sorted(unknown)))
    if states:
        rows = rows.filter(state__in=states)
    scheduled = query_bool(request, "scheduled")
    if scheduled is not None:
        rows = rows.filter(scheduled=scheduled)
    found, total = page.apply(rows)
    return page.respond(found, total, render.workflow_summary)


def _schedule(value) -> dict:
    if value is None:
        return dict(EMPTY_SCHEDULE)
    if not isinstance(value, dict):
        raise ApiError(400, "schedule must be an object.")
    schedule = {**EMPTY_SCHEDULE, **{k: v for k, v in value.items() if k in EMPTY_SCHEDULE}}
    if schedule["scheduled_days"] and schedule["scheduled_days_of_month"]:
        raise ApiError(422, "scheduledDays and scheduledDaysOfMonth are mutually exclusive.")
    checks = {
        "scheduled_days": range(7),
        "scheduled_hours": range(24),
        "scheduled_minutes": range(60),
        "scheduled_days_of_month": range(1, 32),
    }
    for key, allowed in checks.items():
        values = schedule[key] or []
        if not isinstance(values, list) or any(v not in allowed for v in values):
            raise ApiError(422, f"{key} has values out of range.")
    return schedule


def _notifications(value, default_email: str | None) -> dict:
    base = dict(DEFAULT_NOTIFICATIONS)
    if default_email:
        base["success_email_addresses"] = [default_email]
        base["failure_email_addresses"] = [default_email]
    if value is None:
        return base
    if not isinstance(value, dict):
        raise ApiError(400, "notifications must be an object.")
    return {**base, **{k: v for k, v in value.items() if k in DEFAULT_NOTIFICATIONS}}


def _apply(workflow: Workflow, body: dict, replace: bool) -> None:
    """Copy body fields onto the workflow; `replace` (PUT) resets what the body leaves out."""
    if "name" in body or replace:
        if not body.get("name"):
            raise ApiError(400, "name is required.")
        workflow.name = str(body["name"])
    if "description" in body or replace:
        workflow.description = body.get("description")
    if "definition" in body or replace:
        workflow.definition = body.get("definition") or ""
        workflow.valid, workflow.validation_errors = validate(workflow.definition)
    if "schedule" in body or replace:
        workflow.schedule = _schedule(body.get("schedule"))
    if "allow_concurrent_executions" in body or replace:
        workflow.allow_concurrent_executions = body_bool(body, "allow_concurrent_executions", True)
    if "time_zone" in body or replace:
        zone = body.get("time_zone") or DEFAULT_TIME_ZONE
        if not valid_time_zone(zone):
            raise ApiError(422, f"Unknown time zone {zone!r}.")
        workflow.time_zone = zone
    if "notifications" in body or replace:
        workflow.notifications = _notifications(body.get("notifications"), None)


def _detail(workflow: Workflow, level: int, status: int = 200):
    return json_response(render.workflow_detail(workflow, level), status)


def _save(workflow: Workflow) -> Workflow:
    at = now()
    workflow.updated_at = at
    refresh_workflow_state(workflow, at, save=False)
    workflow.save()
    return workflow


def create_workflow(request):
    body = read_body(request)
    caller = request.caller.user
    at = now()
    workflow = Workflow(user=caller, created_at=at, updated_at=at)
    if body.get("from_job_chain") is not None:
        job = Job.objects.filter(id=body["from_job_chain"]).first()
        if job is None:
            raise ApiError(404, f"Job {body['from_job_chain']} not found.")
        if body.get("definition"):
            raise ApiError(400, "definition must not be given with fromJobChain.")
        body["definition"] = from_job_chain(job.id, job.name)
    _apply(workflow, body, replace=True)
    workflow.hidden = bool(body_bool(body, "hidden", False))
    with transaction.atomic():
        _save(workflow)
        Workflow.objects.filter(id=workflow.id).update(file_id=100000 + workflow.id)
        workflow.file_id = 100000 + workflow.id
    return _detail(workflow, MANAGE, 201)


def get_one(request, id):
    workflow, level = get_workflow(request.caller, id, READ)
    return _detail(workflow, level)


def replace_workflow(request, id):
    workflow, level = get_workflow(request.caller, id, WRITE)
    _apply(workflow, read_body(request), replace=True)
    return _detail(_save(workflow), level)


def update_workflow(request, id):
    workflow, level = get_workflow(request.caller, id, WRITE)
    _apply(workflow, read_body(request), replace=False)
    return _detail(_save(workflow), level)


def clone_workflow(request, id):
    """A copy owned by the caller (read access suffices, as on the platform)."""
    source, _ = get_workflow(request.caller, id, READ)
    body = read_body(request)
    caller = request.caller.user
    at = now()
    clone = Workflow(
        user=caller,
        name=f"Clone of Workflow {source.id} {source.name}",
        description=source.description,
        definition=source.definition,
        valid=source.valid,
        validation_errors=source.validation_errors,
        allow_concurrent_executions=source.allow_concurrent_executions,
        time_zone=source.time_zone,
        schedule=source.schedule if body_bool(body, "clone_schedule", False) else EMPTY_SCHEDULE,
        notifications=source.notifications
        if body_bool(body, "clone_notifications", False)
        else _notifications(None, caller.email),
        created_at=at,
        updated_at=at,
    )
    with transaction.atomic():
        _save(clone)
        clone.file_id = 100000 + clone.id
        Workflow.objects.filter(id=clone.id).update(file_id=clone.file_id)
    return _detail(clone, MANAGE, 201)


def archive_workflow(request, id):
    workflow, level = get_workflow(request.caller, id, MANAGE)
    body = read_body(request)
    status = body_bool(body, "status")
    if status is None:
        raise ApiError(400, "status is required.")
    workflow.archived = status
    return _detail(_save(workflow), level)


collection = methods(GET=list_workflows, POST=create_workflow)
detail = methods(GET=get_one, PUT=replace_workflow, PATCH=update_workflow)
clone = methods(POST=clone_workflow)
archive = methods(PUT=archive_workflow)
