from django.urls import path

from workflows_app.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("readers/", views.readers, name="readers"),
]
