from django.urls import path

from workflows_app.pickers import views

app_name = "pickers"
urlpatterns = [
    path("people/search/", views.search, {"kind": "people"}, name="people"),
    path("groups/search/", views.search, {"kind": "groups"}, name="groups"),
    path("pickers/search/", views.search, {"kind": "any"}, name="any"),
]
