"""The audit log: every change made through the console, readable and filterable."""

import pytest

from workflows_app.civis.client import CivisClient
from workflows_app.civis.errors import CivisError
from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


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
    assert "Refused (404)" in page.text
    assert key not in page.text


def test_filters_narrow_the_log_and_stay_in_the_url(signed_in_client):
    AuditEntry.objects.create(
        action="put_transfer",
        object_type="workflow",
        object_id="7",
        outcome="succeeded",
        actor_name="Pat Example",
    )
    AuditEntry.objects.create(action="put_shares_users", object_type="workflow", object_id="8",
                              outcome="failed", actor_name="Sam Other")  # fmt: skip

    by_person = signed_in_client.get("/audit/", {"person": "pat"})
    by_workflow = signed_in_client.get("/audit/", {"workflow": "8"})

    assert "put_transfer" in by_person.text and "put_shares_users" not in by_person.text
    assert "put_shares_users" in by_workflow.text and "put_transfer" not in by_workflow.text
    assert 'value="pat"' in by_person.text


def test_the_log_pages_by_fifty_keeping_filters(signed_in_client):
    AuditEntry.objects.bulk_create(
        AuditEntry(action="put_archive", object_type="workflow", object_id=str(n),
                   outcome="succeeded", actor_name="Pat Example")
        for n in range(60)
    )  # fmt: skip

    first = signed_in_client.get("/audit/", {"person": "pat"})
    second = signed_in_client.get("/audit/", {"person": "pat", "page": 2})

    assert "Page 1 of 2" in first.text
    assert 'href="?person=pat&amp;page=2"' in first.text
    assert second.text.count("<tr>") == 10 + 1  # ten rows and the header row
