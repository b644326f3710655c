"""Routes of one run (under /workflows/<id>/executions/<id>/) and of /executions/."""

from django.urls import path

from workflows_app.runs import views

app_name = "runs"
run = "workflows/<int:workflow_id>/executions/<int:execution_id>/"
urlpatterns = [
    path("executions/", views.execution_list, name="list"),
    path(run, views.execution_detail, name="execution"),
    path(f"{run}tasks/<path:task_name>/", views.execution_task, name="execution_task"),
    path(f"{run}<slug:action>/", views.execution_action, name="execution_action"),
]
