"""Routes under /workflows/<id>/projects/."""

from django.urls import path

from workflows_app.projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.projects_page, name="page"),
    path("projects/add/", views.add_to_project, name="add"),
    path("projects/<int:project_id>/remove/", views.remove_from_project, name="remove"),
]
