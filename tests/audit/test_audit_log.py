"""The audit log: every change made through the console, readable and filterable."""

import re

import pytest
from django.contrib.auth import get_user_model

from workflows_app.civis.client import CivisClient
from workflows_app.civis.errors import CivisError
from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _me(signed_in_client):
    return get_user_model().objects.get(civis__civis_user_id=signed_in_client.person.id)


def test_a_change_through_the_service_module_is_listed_with_its_outcome(signed_in_client):
    person, key = signed_in_client.person, signed_in_client.api_key
    client = CivisClient(key, actor_id=person.id)
    workflow = client.post_workflow(
        name="Audit me", definition="version: '2.0'\nwf:\n  tasks: {}\n"
    )
    with pytest.raises(CivisError):
        client.put_archive(999_999_999, True)

    page = signed_in_client.get("/audit/")

    assert page.status_code == 200
    entries = AuditEntry.objects.filter(actor_civis_id=person.id)
    created = entries.get(action="post")
    assert created.outcome == "succeeded" and created.object_id == str(workflow.id)
    refused = entries.get(action="put_archive")
    assert refused.outcome == "failed" and refused.upstream_status == 404
    assert f"/workflows/{workflow.id}/" in page.text
    assert (
        "<td>Created a workflow" in page.text and "<td>Archived or restored a workflow" in page.text
    )
    assert "Refused (404)" in page.text
    assert key not in page.text


def test_people_read_their_own_changes_and_staff_read_everyones(signed_in_client):
    me = _me(signed_in_client)
    AuditEntry.objects.create(
        action="put_transfer",
        object_type="workflow",
        object_id="7",
        outcome="succeeded",
        actor=me,
        actor_name="Me",
    )
    AuditEntry.objects.create(action="put_shares_users", object_type="workflow", object_id="8",
                              outcome="succeeded", actor_name="Someone Else")  # fmt: skip

    mine = signed_in_client.get("/audit/").text
    me.is_staff = True
    me.save()
    everyone = signed_in_client.get("/audit/").text

    assert "<td>Made someone else the owner" in mine and "<td>Gave people access" not in mine
    assert "<td>Made someone else the owner" in everyone and "<td>Gave people access" in everyone


def test_filters_narrow_the_log_and_stay_in_the_url(signed_in_client):
    me = _me(signed_in_client)
    AuditEntry.objects.create(
        action="put_transfer",
        object_type="workflow",
        object_id="7",
        outcome="succeeded",
        actor=me,
        actor_name="Pat Example",
    )
    AuditEntry.objects.create(action="put_shares_users", object_type="workflow", object_id="8",
                              outcome="failed", actor=me, actor_name="Pat Example")  # fmt: skip

    AuditEntry.objects.filter(object_id="8").update(object_name="Sales load")
    by_action = signed_in_client.get("/audit/", {"action": "put_transfer"})
    by_workflow = signed_in_client.get("/audit/", {"workflow": "sales"})

    assert "<td>Made someone else the owner" in by_action.text
    assert "<td>Gave people access" not in by_action.text
    assert "<td>Gave people access" in by_workflow.text
    assert "<td>Made someone else the owner" not in by_workflow.text
    assert '<option value="put_transfer" selected>' in by_action.text
    assert "No answer from the platform" in by_workflow.text  # failed with no status


def test_the_log_pages_by_fifty_keeping_filters(signed_in_client):
    me = _me(signed_in_client)
    AuditEntry.objects.bulk_create(
        AuditEntry(action="put_archive", object_type="workflow", object_id=str(n),
                   outcome="succeeded", actor=me, actor_name="Pat Example")
        for n in range(60)
    )  # fmt: skip

    first = signed_in_client.get("/audit/", {"person": "pat"})
    second = signed_in_client.get("/audit/", {"person": "pat", "page": 2})

    assert "Page 1 of 2" in first.text
    assert 'href="?person=pat&amp;page=2"' in first.text
    assert second.text.count("<tr>") == 10 + 1  # ten rows and the header row


def test_a_command_lets_someone_read_everyones_entries(signed_in_client):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("audit_readers", allow=signed_in_client.person.id, stdout=out)

    assert _me(signed_in_client).is_staff
    assert signed_in_client.person.name in out.getvalue()


def test_details_say_what_changed_in_words_with_names():
    from workflows_app.audit.record import detail_words

    dmitri = {"user:5": "Dmitri Volkov", "group:3": "Field Analytics"}
    transfer = {"user_id": 5, "include_dependencies": True}

    assert detail_words("put_transfer", transfer, dmitri) == (
        "With the things it uses; new owner Dmitri Volkov"
    )
    assert detail_words("put_shares_users", {"user_ids": [5], "permission_level": "write"},
                        dmitri) == "Dmitri Volkov can edit"  # fmt: skip
    assert detail_words("delete_shares_groups", {"group_id": 3}, dmitri) == (
        "Field Analytics no longer has access"
    )
    assert detail_words("put_archive", {"status": False}) == "Restored"
    assert detail_words("post_executions_retry", {"execution_id": 7, "task_name": "load"}) == (
        "Run no. 7; task load"
    )
    unknown = detail_words("put_transfer", {"user_id": 9, "include_dependencies": False})
    assert unknown == "Without the things it uses; new owner person no. 9"
    refused = detail_words("patch", {"fields": ["name"], "error": "Invalid"})
    assert refused == "Changed its name; the platform refused the change"


def test_the_log_keeps_each_workflows_name_at_the_time_and_names_people(actor):
    ada, jamal = actor("aokafor"), actor("jwashington")
    client = CivisClient(ada.key, actor_id=ada.person.id)
    workflow = client.post_workflow(
        name="Sales load", definition="version: '2.0'\nwf:\n  tasks: {}\n"
    )
    client.patch_workflow(workflow.id, name="Sales load v2")
    # As the transfer page does: a new client per request, which reads the workflow and the
    # new owner first.
    later = CivisClient(ada.key, actor_id=ada.person.id)
    later.get_workflow(workflow.id)
    later.get_user(jamal.person.id)
    later.put_transfer(workflow.id, jamal.person.id, include_dependencies=True)
    # A bare client that has read nothing: the name comes from the earlier entry.
    CivisClient(jamal.key, actor_id=jamal.person.id).put_archive(workflow.id, True)

    entries = AuditEntry.objects.filter(object_id=str(workflow.id)).order_by("id")
    assert [(e.action, e.object_name) for e in entries] == [
        ("post", "Sales load"),
        ("patch", "Sales load v2"),
        ("put_transfer", "Sales load v2"),
        ("put_archive", "Sales load v2"),
    ]
    transfer = entries.get(action="put_transfer")
    assert transfer.detail == f"With the things it uses; new owner {jamal.person.name}"
    assert transfer.which == "“Sales load v2”"
    assert entries.get(action="put_archive").detail == "Archived"


def test_filters_offer_the_consoles_actions_and_a_workflow_name_search(signed_in_client):
    from workflows_app.audit.record import ACTION_WORDS

    page = signed_in_client.get("/audit/").text

    assert "Workflow ID" not in page and "Workflow name" in page
    offered = re.findall(r'<option value="([^"]+)"', page)
    assert offered and all(a in ACTION_WORDS for value in offered for a in value.split(","))
    assert len(offered) == len(set(ACTION_WORDS.values()))  # one choice per wording


def test_console_administrators_choose_who_reads_everyones_changes(
    client, actor, sign_in, settings
):
    from django.test import Client

    ada, jamal = actor("aokafor"), actor("jwashington")
    sign_in(Client(), jamal)  # jamal has signed in once
    settings.CONSOLE_ADMINS = []
    sign_in(client, ada)

    refused = client.post("/audit/readers/", {"person": jamal.person.id, "allow": "yes"})
    assert refused.status_code == 403 and "Only console administrators" in refused.text
    assert "Choose who reads everyone" not in client.get("/audit/").text

    settings.CONSOLE_ADMINS = [ada.person.id]
    listed = client.get("/audit/readers/")
    assert f"Let {jamal.person.name} read everyone's changes</button>" in listed.text
    assert "Choose who reads everyone" in client.get("/audit/").text
    guarded = Client(enforce_csrf_checks=True)
    guarded.cookies = client.cookies  # the same signed-in session, posting with no token
    no_token = guarded.post("/audit/readers/", {"person": jamal.person.id, "allow": "yes"})
    assert no_token.status_code == 403
    jamal_user = get_user_model().objects.get(civis__civis_user_id=jamal.person.id)
    assert not jamal_user.is_staff

    allowed = client.post(
        "/audit/readers/", {"person": jamal.person.id, "allow": "yes"}, follow=True
    )

    jamal_user.refresh_from_db()
    assert jamal_user.is_staff
    assert f"{jamal.person.name} can read everyone&#x27;s changes now." in allowed.text
    entry = AuditEntry.objects.get(action="allow_audit_reader", object_id=str(jamal.person.id))
    assert entry.actor_name == ada.person.name and entry.object_name == jamal.person.name
    assert "Let someone read everyone" in client.get("/audit/").text
    assert client.post("/audit/readers/", {"person": "²", "allow": "yes"}).status_code == 302
