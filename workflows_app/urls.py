from django.urls import include, path

from . import urls_executions
from .views import accounts, audit, home, pickers, sharing, transfers, workflows

accounts_urls = (
    [
        path("sign-in/", accounts.sign_in, name="sign_in"),
        path("sign-in/demo/", accounts.demo_sign_in, name="demo_sign_in"),
        path("sign-out/", accounts.sign_out, name="sign_out"),
    ],
    "accounts",
)
audit_urls = ([path("", audit.audit_list, name="list")], "audit")
sharing_urls = (
    [
        path("sharing/", sharing.sharing_page, name="page"),
        path("sharing/add/", sharing.add_access, name="add"),
        path("sharing/remove/<str:kind>/<int:grantee_id>/", sharing.remove_access, name="remove"),
        path("transfer/", sharing.transfer, name="transfer"),
        path("transfer/done/", sharing.transfer_done, name="transfer_done"),
    ],
    "sharing",
)
pickers_urls = (
    [
        path("people/search/", pickers.search, {"kind": "people"}, name="people"),
        path("groups/search/", pickers.search, {"kind": "groups"}, name="groups"),
        path("pickers/search/", pickers.search, {"kind": "any"}, name="any"),
    ],
    "pickers",
)

# The execution pages add their routes (`execution`, ...) to this same list.
workflows_urls = (
    [
        path("", workflows.workflow_list, name="list"),
        path("<int:workflow_id>/", workflows.workflow_detail, name="detail"),
        path("<int:workflow_id>/executions/", workflows.workflow_executions, name="executions"),
        path("<int:workflow_id>/run/", workflows.run_workflow, name="run"),
        *urls_executions.workflow_execution_patterns,
    ],
    "workflows",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("", include(accounts_urls)),
    path("audit/", include(audit_urls)),
    path("workflows/<int:workflow_id>/", include(sharing_urls)),
    path("", include(pickers_urls)),
    path("workflows/", include(workflows_urls)),
    path("executions/", include(urls_executions.executions_urls)),
    path("transfers/", include(transfers.urls)),
]
