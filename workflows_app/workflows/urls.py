from django.urls import path

from workflows_app.workflows import views

app_name = "workflows"
urlpatterns = [
    path("", views.workflow_list, name="list"),
    path("<int:workflow_id>/", views.workflow_detail, name="detail"),
    path("<int:workflow_id>/executions/", views.workflow_executions, name="executions"),
    path("<int:workflow_id>/run/", views.run_workflow, name="run"),
]
