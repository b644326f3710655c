"""Routes under /workflows/<id>/git/."""

from django.urls import path

from workflows_app.git import views

app_name = "git"
urlpatterns = [
    path("git/", views.git_page, name="page"),
    path("git/link/", views.link, name="link"),
    path("git/commit/", views.commit, name="commit"),
    path("git/commits/<str:commit_hash>/", views.commit_file, name="commit_file"),
    path("git/checkout/", views.checkout, name="checkout"),
]
