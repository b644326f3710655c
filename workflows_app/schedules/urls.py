"""Routes under /workflows/<id>/schedule/."""

from django.urls import path

from workflows_app.schedules import views

app_name = "schedules"
urlpatterns = [
    path("schedule/", views.schedule_page, name="page"),
    path("schedule/pause/", views.pause_or_resume, name="pause"),
]
