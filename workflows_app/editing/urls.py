from django.urls import path

from workflows_app.editing import views

app_name = "editing"
urlpatterns = [
    path("new/", views.create, name="create"),
    path("preview/", views.preview, name="preview"),
    path("<int:workflow_id>/edit/", views.edit, name="edit"),
    path("<int:workflow_id>/history/", views.history, name="history"),
    path("<int:workflow_id>/history/<int:revision_id>/restore/", views.restore, name="restore"),
]
