from django.urls import path

from workflows_app.triage import views

app_name = "triage"
urlpatterns = [
    path("triage/episodes/<int:episode_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("triage/episodes/<int:episode_id>/undo/", views.undo_acknowledge, name="undo"),
    path("workflows/<int:workflow_id>/watch/", views.watch, name="watch"),
]
