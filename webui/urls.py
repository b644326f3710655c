from django.urls import include, path

from .health import live, ready

urlpatterns = [
    path("healthz", ready, name="healthz"),
    path("healthz/ready", ready, name="healthz-ready"),
    path("healthz/live", live, name="healthz-live"),
    path("", include("workflows_app.urls")),
]
