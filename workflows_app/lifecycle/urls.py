"""Routes under /workflows/<id>/: copy, archive, restore."""

from django.urls import path

from workflows_app.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("copy/", views.copy_workflow, name="copy"),
    path("archive/", views.archive_workflow, name="archive"),
    path("restore/", views.restore_workflow, name="restore"),
]
