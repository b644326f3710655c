"""The sharing page over a live civis_local: who has access and why, giving and removing access
(with a check first), what a viewer with only "can view" is offered, CSRF, and the audit log."""

import pytest
import requests
from django.test import Client

from tests.conftest import free_port
from workflows_app.civis import Forbidden
from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db


def shares_route_calls(counts: dict) -> int:
    return sum(n for route, n in counts.items() if route.startswith(("PUT", "DELETE")))


def test_manager_sees_access_grouped_by_level_with_groups_and_reasons(
    actor, new_workflow, group_named, sign_in, client
):
    ada, bruno = actor("aokafor"), actor("blindqvist")
    workflow = new_workflow(ada)
    engineering = group_named("Data Engineering")
    ada.api.put_shares_users(workflow.id, [bruno.person.id], "write")
    ada.api.put_shares_groups(workflow.id, [engineering.id], "read")
    sign_in(client, ada)

    html = client.get(f"/workflows/{workflow.id}/sharing/").content.decode()

    can_edit = html.index(">Can edit<")
    can_view = html.index(">Can view<")
    assert can_edit < html.index("Bruno Lindqvist") < can_view
    assert can_view < html.index("Data Engineering") and "Group of 4 people" in html
    # Why: Hiroshi is not shared with directly, only through the group.
    assert "Hiroshi Tanaka" in html
    assert "Member of Data Engineering (can view)" in html
    assert "Shared with them directly (can edit)" in html
    assert f"/workflows/{workflow.id}/sharing/remove/user/{bruno.person.id}/" in html
    assert f"/workflows/{workflow.id}/sharing/remove/group/{engineering.id}/" in html
    assert "Give access" in html and "Make someone else the owner" in html


def test_viewer_with_can_view_sees_no_change_controls_and_changes_are_refused(
    actor, new_workflow, group_named, sign_in, client, upstream_calls
):
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = new_workflow(ada)
    ada.api.put_shares_users(workflow.id, [chiara.person.id], "read")
    sign_in(client, chiara)
    page = f"/workflows/{workflow.id}/sharing/"

    html = client.get(page).content.decode()
    assert "Ada Okafor" in html and "Chiara Bellini" in html
    assert "you can see who has access but not change it" in html
    assert "Give access" not in html and "/sharing/remove/" not in html
    assert "Make someone else the owner" not in html

    before = shares_route_calls(upstream_calls())
    group = group_named("Client Services")
    refused = [
        client.post(page + "add/", {"grantee": f"group:{group.id}", "level": "manage"}),
        client.post(page + f"remove/user/{chiara.person.id}/"),
        client.post(f"/workflows/{workflow.id}/transfer/", {"user_id": f"user:{chiara.person.id}"}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert shares_route_calls(upstream_calls()) == before  # the console never asked
    assert ada.api.list_shares(workflow.id).level_of_group(group.id) is None
    # ...and the platform would have refused it anyway.
    with pytest.raises(Forbidden):
        chiara.api.put_shares_groups(workflow.id, [group.id], "manage")


def test_giving_access_lists_it_and_writes_the_audit_log(
    actor, new_workflow, group_named, sign_in, client
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    services = group_named("Client Services")
    sign_in(client, ada)

    response = client.post(
        f"/workflows/{workflow.id}/sharing/add/",
        {"grantee": f"group:{services.id}", "level": "write", "send_email": "on",
         "message": "Over to you"},
    )  # fmt: skip

    assert response.status_code == 302
    assert ada.api.list_shares(workflow.id).level_of_group(services.id) == "write"
    page = client.get(response["Location"]).content.decode()
    assert "Client Services can edit" in page  # the confirmation message
    entry = AuditEntry.objects.get(action="put_shares_groups", object_id=str(workflow.id))
    assert entry.outcome == "succeeded" and entry.actor_civis_id == ada.person.id
    assert entry.detail == f"{services.name} can edit"
    assert "Over to you" not in entry.detail  # free text stays out of the log


def test_giving_access_needs_a_choice_and_a_level(actor, new_workflow, sign_in, client):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)

    response = client.post(f"/workflows/{workflow.id}/sharing/add/", {"message": "hi"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose a person or a group" in html and "Choose what they can do" in html
    assert "Tick this box to send your message" in html
    assert not AuditEntry.objects.filter(
        object_id=str(workflow.id), action__contains="shares"
    ).exists()


def test_removing_access_asks_first_and_says_who_keeps_it(
    actor, new_workflow, group_named, sign_in, client
):
    ada, dmitri = actor("aokafor"), actor("dvolkov")  # Dmitri is in Data Engineering
    workflow = new_workflow(ada)
    engineering = group_named("Data Engineering")
    ada.api.put_shares_users(workflow.id, [dmitri.person.id], "write")
    ada.api.put_shares_groups(workflow.id, [engineering.id], "read")
    sign_in(client, ada)
    remove = f"/workflows/{workflow.id}/sharing/remove/user/{dmitri.person.id}/"

    check = client.get(remove)

    html = check.content.decode()
    assert check.status_code == 200
    assert "Remove Dmitri Volkov's access?" in html
    assert "They will still have access another way" in html
    assert "Member of Data Engineering (can view)" in html
    assert ada.api.list_shares(workflow.id).level_of_user(dmitri.person.id) == "write"

    done = client.post(remove)

    assert done.status_code == 302
    assert ada.api.list_shares(workflow.id).level_of_user(dmitri.person.id) is None
    entry = AuditEntry.objects.get(action="delete_shares_users", object_id=str(workflow.id))
    assert entry.outcome == "succeeded"
    assert entry.detail == f"{dmitri.person.name} no longer has access"


def test_removing_a_group_names_who_loses_access(actor, new_workflow, group_named, sign_in, client):
    ada, hiroshi = actor("aokafor"), actor("htanaka")
    workflow = new_workflow(ada)
    engineering = group_named("Data Engineering")
    ada.api.put_shares_groups(workflow.id, [engineering.id], "read")
    ada.api.put_shares_users(workflow.id, [hiroshi.person.id], "read")
    sign_in(client, ada)

    html = client.get(
        f"/workflows/{workflow.id}/sharing/remove/group/{engineering.id}/"
    ).content.decode()

    losing = html[html.index("will not be able to open it any more") :]
    assert "Dmitri Volkov" in losing and "Marcus Webb" in losing
    assert "Hiroshi Tanaka" not in losing  # shared with directly too
    assert "Ada Okafor" not in losing  # the owner


def test_changes_need_the_csrf_token(actor, new_workflow, group_named, use_local_api):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    group = group_named("Field Analytics")
    browser = Client(enforce_csrf_checks=True)
    browser.get("/sign-in/")
    token = browser.cookies["csrftoken"].value
    signed = browser.post("/sign-in/", {"api_key": ada.key, "csrfmiddlewaretoken": token})
    assert signed.status_code == 302

    response = browser.post(
        f"/workflows/{workflow.id}/sharing/add/",
        {"grantee": f"group:{group.id}", "level": "read"},
    )

    assert response.status_code == 403
    assert ada.api.list_shares(workflow.id).level_of_group(group.id) is None
    assert not AuditEntry.objects.filter(
        object_id=str(workflow.id), action__contains="shares"
    ).exists()


def test_change_opens_the_form_with_their_level_and_saves_a_new_one(
    actor, new_workflow, sign_in, client
):
    ada, bruno = actor("aokafor"), actor("blindqvist")
    workflow = new_workflow(ada)
    ada.api.put_shares_users(workflow.id, [bruno.person.id], "write")
    sign_in(client, ada)
    choice = f"user:{bruno.person.id}"

    html = client.get(f"/workflows/{workflow.id}/sharing/", {"change": choice}).content.decode()

    assert "Change Bruno Lindqvist's access" in html
    assert f'value="{choice}" checked' in html
    assert 'value="write" aria-describedby="level-write-hint" checked' in html
    response = client.post(
        f"/workflows/{workflow.id}/sharing/add/", {"grantee": choice, "level": "manage"}
    )
    assert response.status_code == 302
    assert ada.api.list_shares(workflow.id).level_of_user(bruno.person.id) == "manage"


def test_searching_works_without_javascript(actor, new_workflow, sign_in, client):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)

    html = client.get(f"/workflows/{workflow.id}/sharing/", {"q": "Tanaka"}).content.decode()

    form = html[html.index('id="give-access"') :]
    assert 'form="share-find"' in form and "Hiroshi Tanaka" in form
    assert 'name="grantee"' in form and 'value="Tanaka"' in form


def test_giving_access_with_nobody_chosen_answers_at_the_pages_address_summary_on_top(
    actor, new_workflow, sign_in, client
):
    """Without JavaScript: the form posts to the page itself, and the summary of what to fix
    comes first, under the heading, before the list of who has access."""
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/sharing/"
    assert f'<form method="post" action="{page}"' in client.get(page).content.decode()

    response = client.post(page, {"level": "write"})
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.index('class="error-summary"')
    assert html.index("<h1>Who has access</h1>") < summary < html.index('id="who-has-access"')
    assert "Choose a person or a group" in html[summary : html.index("</div>", summary)]
    assert html.count('class="error-summary"') == 1


NOT_ANSWERED = "The platform did not answer. Nothing was changed. Try again in a minute."


def give_client_services_edit(client, page: str, group) -> dict:
    """What the form sends after finding Client Services with the picker (its name beside it)."""
    found = client.get(page, {"q": "Client Serv"}).content.decode()
    choice = f"group:{group.id}"
    name_field = f"grantee_name_{choice}"
    assert f'name="{name_field}" value="Client Services"' in found
    typed = {"q": "Client Serv", "field": "grantee"}  # as the picker asks while typing
    assert name_field in client.get("/pickers/search/", {**typed, "names": "on"}).content.decode()
    assert name_field not in client.get("/pickers/search/", typed).content.decode()  # GET forms
    return {"grantee": choice, name_field: "Client Services", "level": "write"}


def test_give_access_the_platform_does_not_answer_keeps_who_and_the_level(
    actor, new_workflow, group_named, sign_in, client, settings
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    services = group_named("Client Services")
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/sharing/"
    sent = give_client_services_edit(client, page, services)
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"  # civis_local unreachable

    answer = client.post(page, sent)
    html = answer.content.decode()
    assert answer.status_code == 503
    summary = html.index('class="error-summary"')
    assert NOT_ANSWERED in html[summary:] and "Go to the start" not in html
    form = html[html.index(f'<form method="post" action="{page}"') :]
    assert summary < html.index(f'<form method="post" action="{page}"')
    assert f'value="group:{services.id}" checked' in form and "Client Services" in form
    assert 'value="write" aria-describedby="level-write-hint" checked' in form
    assert 'id="who-has-access"' not in html  # not read: left out, not shown empty
    assert ada.api.list_shares(workflow.id).level_of_group(services.id) is None


def test_give_access_refused_for_speed_after_the_read_keeps_the_list_and_the_choice(
    actor, new_workflow, group_named, sign_in, client, local_api
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    services = group_named("Client Services")
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/sharing/"
    sent = give_client_services_edit(client, page, services)
    configure(local_api, rate_limit="2/120")  # the page's two reads spend it; the change is not
    try:
        answer = client.post(page, sent)
    finally:
        configure(local_api, rate_limit=None)
    html = answer.content.decode()
    assert answer.status_code == 503
    assert "The platform asked us to slow down. Nothing was changed." in html
    assert 'id="who-has-access"' in html and "Ada Okafor" in html  # who has access, as read
    assert f'value="group:{services.id}" checked' in html
    assert 'value="write" aria-describedby="level-write-hint" checked' in html
    assert ada.api.list_shares(workflow.id).level_of_group(services.id) is None


def configure(api, **levers) -> None:
    requests.post(api.url + "_local/config", json=levers, timeout=5).raise_for_status()
