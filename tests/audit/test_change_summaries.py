"""The audit log says what a schedule, email or archive change did, through the pages that make
them ("Schedule set to every weekday at 07:00 (Chicago time)", "Failure emails now go to Ada
Okafor and ops@example.org", "Archived", "Restored"), not "Changed a workflow"."""

import html

import pytest

from tests.changing import new_workflow
from workflows_app.audit.record import detail_words, headline
from workflows_app.civis.types import Schedule
from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db

WEEKDAYS_7 = {"pattern": "weekdays", "times": "07:00", "time_zone": "Chicago", "action": "save"}
EMAILS = {"failure_on": "on", "stall_warning_minutes": "", "success_addresses": "",
          "success_email_subject": "", "success_email_body": "", "action": "save"}  # fmt: skip


def _what(page: str) -> list[str]:
    """The audit page's "What" cells, as read."""
    return [
        html.unescape(cell.split("<details", 1)[0])
        for cell in page.split("<td>")[1:]
        if cell.count("</td>")
    ]


def test_schedule_emails_and_archive_changes_say_what_they_did(actor, sign_in, client):
    ada = actor("aokafor")
    workflow = new_workflow(ada, time_zone="UTC")
    sign_in(client, ada)
    base = f"/workflows/{workflow.id}/"
    assert client.post(base + "schedule/", WEEKDAYS_7).status_code == 302
    addresses = f"{ada.person.email}\nops@example.org"
    answer = client.post(base + "notifications/", {**EMAILS, "failure_addresses": addresses})
    assert answer.status_code == 302
    assert client.post(base + "archive/").status_code == 302
    assert client.post(base + "restore/").status_code == 302

    page = client.get("/audit/").content.decode()
    entries = AuditEntry.objects.filter(object_id=str(workflow.id)).exclude(action="post")
    said = [entry.what for entry in entries.reverse()]
    assert said == [
        "Schedule set to every weekday at 07:00 (Chicago time)",
        f"Failure emails now go to {ada.person.name} and ops@example.org; no success emails",
        "Archived",
        "Restored",
    ]
    cells = "\n".join(_what(page))
    for sentence in said:
        assert f"{sentence}</td>" in cells
    assert "Changed a workflow" not in cells and "Archived or restored" not in cells


def test_pausing_a_schedule_and_a_zone_alone_are_said():
    weekdays = Schedule(scheduled=False, days=(1, 2, 3, 4, 5), hours=(7,), minutes=(0,))
    paused = {"fields": ["schedule"], "schedule": weekdays.to_request()}
    assert detail_words("patch", paused) == (
        "Schedule paused: it won't run every weekday at 07:00 until resumed"
    )
    zone = {"fields": ["name", "time_zone"], "time_zone": "Europe/London"}
    assert detail_words("patch", zone) == "Changed its name; time zone set to London time"
    removed = Schedule(scheduled=False).to_request()
    assert detail_words("patch", {"fields": ["schedule"], "schedule": removed}) == (
        "Schedule removed: it runs only when someone starts it"
    )


def test_a_refused_change_keeps_the_action_as_its_headline():
    assert headline("put_archive", False, "Archived; the platform said they may not") == (
        "Archived or restored a workflow"
    )
    assert headline("post_clone", True, "The copy is no. 5") == "Copied a workflow"
