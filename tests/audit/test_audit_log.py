"""The audit log: every change made through the console, readable and filterable."""

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

    by_action = signed_in_client.get("/audit/", {"action": "put_transfer"})
    by_workflow = signed_in_client.get("/audit/", {"workflow": "8"})

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
