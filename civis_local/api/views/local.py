"""`GET /endpoints` (the Swagger document the official client builds itself from) and the test
levers under /_local/ (no auth: they are not part of the Civis API)."""

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from ..execution_host import tick_all
from ..levers import LEVERS, now
from ..middleware import authenticate
from ..models import OutboxMessage, Workflow
from ..wire import ApiError, error_response, json_response, read_body, timestamp
from . import methods

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi-subset.json"
NOT_IMPLEMENTED = {
    ("/users/", "post"),
    ("/users/me", "patch"),
    ("/users/{id}", "patch"),
    ("/groups/", "post"),
    ("/groups/{id}", "put"),
    ("/groups/{id}", "patch"),
    ("/groups/{id}", "delete"),
    ("/projects/{project_id}", "put"),
    ("/projects/{project_id}", "delete"),
    ("/jobs/{id}/runs", "post"),
    ("/jobs/{id}/runs/{run_id}", "delete"),
}


@cache
def implemented_spec() -> bytes:
    """openapi-subset.json restricted to what this server answers, without the recorded
    examples (they are documentation, and they make the download ten times larger)."""
    spec = json.loads(SPEC_PATH.read_text())
    for route, operations in spec["paths"].items():
        for method in list(operations):
            if (route, method) in NOT_IMPLEMENTED:
                del operations[method]
            else:
                operations[method].pop("x-examples", None)
    spec["paths"] = {route: ops for route, ops in spec["paths"].items() if ops}
    return json.dumps(spec).encode()


def get_endpoints(request):
    response = json_response(None)
    response.content = implemented_spec()
    return response


def get_requests(request):
    return json_response(LEVERS.snapshot())


def get_queries(request):
    """SQL work by route since start or reset: what tests pin (the per-request cost)."""
    return json_response({"byRoute": LEVERS.query_snapshot()})


def post_reset(request):
    LEVERS.reset_counts()
    return json_response(LEVERS.snapshot())


def get_config(request):
    return json_response(LEVERS.describe())


def post_config(request):
    """Change latency_ms, error_rate, error_status, rate_limit ("N/SECONDS" or null) or the
    speed factor of executions started afterwards."""
    body = read_body(request)
    try:
        LEVERS.configure(**body)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, f"Bad lever value: {exc}") from exc
    return json_response(LEVERS.describe())


def get_clock(request):
    return json_response({"now": timestamp(now()), "frozen": LEVERS.clock.speed == 0})


def post_clock(request):
    """{"now": ISO} sets the clock, {"advance_seconds": N} moves it, {"frozen": bool} stops or
    restarts it. Live executions catch up on their next read or on POST /_local/tick."""
    body = read_body(request)
    at = now()
    if body.get("now"):
        try:
            at = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ApiError(400, f"now must be an ISO 8601 time: {exc}") from exc
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    if body.get("advance_seconds"):
        at += timedelta(seconds=float(body["advance_seconds"]))
    speed = None
    if "frozen" in body:
        speed = 0.0 if body["frozen"] else 1.0
    LEVERS.clock.rebase(at, speed)
    tick_all()
    return get_clock(request)


def get_outbox(request):
    messages = OutboxMessage.objects.order_by("id")
    if since := request.GET.get("since_id"):
        messages = messages.filter(id__gt=int(since))
    return json_response(
        [
            {
                "id": message.id,
                "kind": message.kind,
                "workflowId": message.workflow_id,
                "executionId": message.execution_id,
                "event": message.event,
                "createdAt": timestamp(message.created_at),
            }
            for message in messages
        ]
    )


def post_tick(request):
    """Advance every live execution to now and fire due schedules."""
    return json_response({"advanced": tick_all(), "now": timestamp(now())})


OUTCOMES = ("succeed", "fail", "fail_then_succeed")


def _admin_only(request) -> None:
    """The fault levers change how workflows run for everyone: the admin's key only."""
    caller = authenticate(request)
    if caller is None:
        raise ApiError(401, "Invalid or missing API key.")
    if not caller.is_admin:
        raise ApiError(403, "Only an admin can set faults.")


def get_faults(request):
    _admin_only(request)
    return json_response(LEVERS.describe_faults())


def post_faults(request):
    """{"workflow_id", "task" (else every task), "outcome": succeed | fail |
    fail_then_succeed, "fail_times", "duration" (seconds)}: the jobs that task runs (run_job
    or script) behave so in executions started or retried afterwards, whatever their own
    fixture; "outcome": null removes the fault. Attempts are counted per task execution."""
    _admin_only(request)
    body = read_body(request)
    workflow_id = body.get("workflow_id", body.get("workflowId"))
    if not isinstance(workflow_id, int) or not Workflow.objects.filter(id=workflow_id).exists():
        raise ApiError(404, f"No workflow {workflow_id!r}.")
    task = body.get("task")
    if task is not None and not isinstance(task, str):
        raise ApiError(400, "task must be a task name.")
    outcome = body.get("outcome", "fail")
    if outcome is None:
        LEVERS.set_fault(workflow_id, task, None)
        return json_response(LEVERS.describe_faults())
    if outcome not in OUTCOMES:
        raise ApiError(400, f"outcome must be one of {', '.join(OUTCOMES)}.")
    try:
        fail_times = int(body.get("fail_times", body.get("failTimes", 1)))
        duration = float(body.get("duration", 30))
    except (TypeError, ValueError) as exc:
        raise ApiError(400, f"Bad fault value: {exc}") from exc
    if fail_times < 0 or duration < 0:
        raise ApiError(400, "fail_times and duration must not be negative.")
    fixture = {"outcome": outcome, "fail_times": fail_times, "duration": duration}
    LEVERS.set_fault(workflow_id, task, fixture)
    return json_response(LEVERS.describe_faults())


def delete_faults(request):
    """Remove every fault (or those of `?workflow_id=`)."""
    _admin_only(request)
    workflow_id = request.GET.get("workflow_id")
    LEVERS.clear_faults(int(workflow_id) if workflow_id else None)
    return json_response(LEVERS.describe_faults())


def not_found(request, exception=None):
    return error_response(404, f"No route for {request.method} {request.path}.")


def server_error(request):
    return error_response(500, "Internal error in civis_local.", "internal_server_error")


endpoints = methods(GET=get_endpoints)
requests_view = methods(GET=get_requests)
queries = methods(GET=get_queries)
reset_requests = methods(POST=post_reset)
config = methods(GET=get_config, POST=post_config)
clock = methods(GET=get_clock, POST=post_clock)
outbox = methods(GET=get_outbox)
tick = methods(POST=post_tick)
faults = methods(GET=get_faults, POST=post_faults, DELETE=delete_faults)
