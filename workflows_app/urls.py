"""The console's URLs: each feature package declares its own (one namespace per package)."""

from django.urls import include, path

urlpatterns = [
    path("", include("workflows_app.core.urls")),
    path("", include("workflows_app.pickers.urls")),
    path("", include("workflows_app.runs.urls")),
    path("audit/", include("workflows_app.audit.urls")),
    path("workflows/", include("workflows_app.workflows.urls")),
    path("workflows/", include("workflows_app.editing.urls")),
    path("workflows/<int:workflow_id>/", include("workflows_app.access.urls")),
    path("workflows/<int:workflow_id>/", include("workflows_app.schedules.urls")),
    path("workflows/<int:workflow_id>/", include("workflows_app.emails.urls")),
    path("workflows/<int:workflow_id>/", include("workflows_app.lifecycle.urls")),
    path("workflows/<int:workflow_id>/", include("workflows_app.projects.urls")),
    path("workflows/<int:workflow_id>/", include("workflows_app.git.urls")),
    path("transfers/", include("workflows_app.bulk.urls")),
    path("", include("workflows_app.triage.urls")),
    path("notifications/", include("workflows_app.notifications.urls")),
]
