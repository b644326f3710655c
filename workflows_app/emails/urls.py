"""Routes under /workflows/<id>/notifications/."""

from django.urls import path

from workflows_app.emails import views

app_name = "emails"
urlpatterns = [path("notifications/", views.notifications_page, name="page")]
