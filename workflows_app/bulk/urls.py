from django.urls import path

from workflows_app.bulk import views

app_name = "bulk"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("new/", views.transfer_new, name="new"),
    path("new/<int:draft_id>/", views.transfer_select, name="select"),
    path("new/<int:draft_id>/choices/", views.transfer_choices, name="choices"),
    path("new/<int:draft_id>/access/", views.transfer_access, name="access"),
    path("new/<int:draft_id>/check/", views.transfer_check, name="check"),
    path("<int:job_id>/", views.transfer_detail, name="detail"),
    path("<int:job_id>/cancel/", views.transfer_cancel, name="cancel"),
    path("<int:job_id>/retry/", views.transfer_retry, name="retry"),
]
