"""Routes of the execution pages: added to the `workflows` namespace (paths under
/workflows/), plus `/executions/` in its own `executions` namespace."""

from django.urls import path

from .views import executions

# Relative to /workflows/, inside the `workflows` namespace.
workflow_execution_patterns = [
    path(
        "<int:workflow_id>/executions/<int:execution_id>/",
        executions.execution_detail,
        name="execution",
    ),
    path(
        "<int:workflow_id>/executions/<int:execution_id>/tasks/<str:task_name>/",
        executions.execution_task,
        name="execution_task",
    ),
    path(
        "<int:workflow_id>/executions/<int:execution_id>/<slug:action>/",
        executions.execution_action,
        name="execution_action",
    ),
]

executions_urls = ([path("", executions.execution_list, name="list")], "executions")
