"""Routes under /workflows/<id>/: who has access, and making someone else the owner."""

from django.urls import path

from workflows_app.access import views

app_name = "access"
urlpatterns = [
    path("sharing/", views.sharing_page, name="page"),
    path("sharing/add/", views.add_access, name="add"),
    path("sharing/remove/<str:kind>/<int:grantee_id>/", views.remove_access, name="remove"),
    path("transfer/", views.transfer, name="transfer"),
    path("transfer/done/", views.transfer_done, name="transfer_done"),
]
