"""Routes of the local Civis API. Paths are written without a trailing slash; the middleware
strips one from requests so that both spellings reach the same view."""

from django.urls import path

from .views import executions, git, jobs, local, people, projects, sharing, workflows

urlpatterns = [
    path("endpoints", local.endpoints),
    path("workflows", workflows.collection),
    path("workflows/<int:id>", workflows.detail),
    path("workflows/<int:id>/clone", workflows.clone),
    path("workflows/<int:id>/archive", workflows.archive),
    path("workflows/<int:id>/shares", sharing.shares),
    path("workflows/<int:id>/shares/users", sharing.shares_users),
    path("workflows/<int:id>/shares/users/<int:user_id>", sharing.shares_user),
    path("workflows/<int:id>/shares/groups", sharing.shares_groups),
    path("workflows/<int:id>/shares/groups/<int:group_id>", sharing.shares_group),
    path("workflows/<int:id>/dependencies", sharing.dependencies_view),
    path("workflows/<int:id>/transfer", sharing.transfer_view),
    path("workflows/<int:id>/projects", sharing.projects),
    path("workflows/<int:id>/projects/<int:project_id>", sharing.project),
    path("workflows/<int:id>/git", git.git),
    path("workflows/<int:id>/git/commits", git.commits),
    path("workflows/<int:id>/git/commits/<str:commit_hash>", git.commit),
    path("workflows/<int:id>/git/checkout-latest", git.checkout_latest_view),
    path("workflows/<int:id>/git/checkout", git.checkout_view),
    path("workflows/<int:id>/executions", executions.collection),
    path("workflows/<int:id>/executions/<int:execution_id>", executions.detail),
    path("workflows/<int:id>/executions/<int:execution_id>/cancel", executions.cancel_view),
    path("workflows/<int:id>/executions/<int:execution_id>/resume", executions.resume_view),
    path("workflows/<int:id>/executions/<int:execution_id>/retry", executions.retry_view),
    path(
        "workflows/<int:id>/executions/<int:execution_id>/tasks/<path:task_name>",
        executions.task_view,
    ),
    path("users", people.users),
    path("users/me", people.me),
    path("users/<str:id>", people.user),
    path("users/<str:id>/api_keys", people.api_keys),
    path("users/<str:id>/api_keys/<int:key_id>", people.api_key),
    path("groups", people.groups),
    path("groups/<int:id>", people.group),
    path("projects", projects.collection),
    path("projects/<int:project_id>", projects.detail),
    path("jobs/<int:id>", jobs.job),
    path("jobs/<int:id>/runs", jobs.runs),
    path("jobs/<int:id>/runs/<int:run_id>", jobs.run),
    path("jobs/<int:id>/runs/<int:run_id>/logs", jobs.logs),
    path("_local/requests", local.requests_view),
    path("_local/requests/reset", local.reset_requests),
    path("_local/queries", local.queries),
    path("_local/config", local.config),
    path("_local/clock", local.clock),
    path("_local/outbox", local.outbox),
    path("_local/tick", local.tick),
    path("_local/faults", local.faults),
]

handler404 = "civis_local.api.views.local.not_found"
handler500 = "civis_local.api.views.local.server_error"
