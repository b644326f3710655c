from django.urls import include, path

from .views import accounts, audit, home

accounts_urls = (
    [
        path("sign-in/", accounts.sign_in, name="sign_in"),
        path("sign-in/demo/", accounts.demo_sign_in, name="demo_sign_in"),
        path("sign-out/", accounts.sign_out, name="sign_out"),
    ],
    "accounts",
)
audit_urls = ([path("", audit.audit_list, name="list")], "audit")

urlpatterns = [
    path("", home.home, name="home"),
    path("", include(accounts_urls)),
    path("audit/", include(audit_urls)),
]
