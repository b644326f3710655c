"""/workflows/{id}/executions: list, start, read, cancel, resume, retry, and one task."""

from civis_local import engine

from .. import execution_host, render
from ..models import LEVEL_NAMES, READ, WRITE, Execution
from ..permissions import get_workflow as workflow_for
from ..permissions import levels_of
from ..wire import ApiError, Page, json_response, read_body
from . import methods

ORDERS = {"id": "id", "created_at": "created_at", "updated_at": "updated_at"}


def _engine_errors(call):
    try:
        return call()
    except engine.EngineError as exc:
        raise ApiError(exc.status, exc.message) from exc


def list_executions(request, id):
    workflow, _ = workflow_for(request.caller, id, READ)
    for live in workflow.executions.filter(mistral_state__in=execution_host.LIVE):
        execution_host.advance(live)
    page = Page(request, ORDERS, "id")
    rows, total = page.apply(Execution.objects.filter(workflow=workflow).select_related("user"))
    return page.respond(rows, total, render.execution_summary)


def _execution(request, id, execution_id, needs: int) -> tuple[Execution, int]:
    workflow, level = workflow_for(request.caller, id, needs)
    execution = (
        Execution.objects.select_related("user").filter(workflow=workflow, id=execution_id).first()
    )
    if execution is None:
        raise ApiError(404, f"Execution {execution_id} of workflow {id} not found.")
    return execution, level


def detail_body(request, execution: Execution, level: int) -> dict:
    """The wire execution. Engine-run executions are rendered by the engine; seeded history
    from its stored tasks. Either way with the caller's levels on runs and child workflows."""
    if execution.engine_state is None:
        tasks = execution.tasks or []
    else:
        tasks = execution.engine_state["tasks"]
    child_ids = {child["workflowId"] for task in tasks for child in task.get("executions", [])}
    child_levels = levels_of(request.caller, sorted(child_ids)) if child_ids else {}
    if execution.engine_state is None:
        return render.execution_detail(execution, level, child_levels)
    return engine.render_execution(
        execution.engine_state,
        user=render.user_simple(execution.user),
        run_permission=lambda job_id: LEVEL_NAMES[level],
        child_permission=lambda workflow_id: LEVEL_NAMES.get(child_levels.get(workflow_id)),
    )


def start_execution(request, id):
    workflow, level = workflow_for(request.caller, id, WRITE)
    if not workflow.valid:
        raise ApiError(
            422, f"Workflow {id} has an invalid definition: {workflow.validation_errors}"
        )
    body = read_body(request)
    execution = _engine_errors(lambda: execution_host.start(workflow, request.caller.user, body))
    return json_response(detail_body(request, execution, level), 201)


def get_execution(request, id, execution_id):
    execution, level = _execution(request, id, execution_id, READ)
    execution = execution_host.advance(execution)
    return json_response(detail_body(request, execution, level))


def _command(action: str):
    def view(request, id, execution_id):
        execution, level = _execution(request, id, execution_id, WRITE)
        task_name = read_body(request).get("task_name") if action == "retry" else None
        execution = _engine_errors(lambda: execution_host.command(execution, action, task_name))
        execution.refresh_from_db()
        return json_response(detail_body(request, execution, level), 202)

    return view


def get_task(request, id, execution_id, task_name):
    execution, level = _execution(request, id, execution_id, READ)
    execution = execution_host.advance(execution)
    for task in detail_body(request, execution, level)["tasks"]:
        if task["name"] == task_name:  # Django has already percent-decoded the path
            return json_response(task)
    raise ApiError(404, f"Task {task_name!r} not found in execution {execution_id}.")


collection = methods(GET=list_executions, POST=start_execution)
detail = methods(GET=get_execution)
cancel_view = methods(POST=_command("cancel"))
resume_view = methods(POST=_command("resume"))
retry_view = methods(POST=_command("retry"))
task_view = methods(GET=get_task)
