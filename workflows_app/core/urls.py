from django.urls import path

from workflows_app.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/demo/", views.demo_sign_in, name="demo_sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
]
