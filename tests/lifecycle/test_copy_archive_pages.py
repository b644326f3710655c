"""Copy, archive and restore over a live civis_local: `post_clone` (with or without schedule
and emails, named as the person chose), `put_archive` through a check page saying what stops
and what stays; a viewer may copy (the platform lets them) but is refused archiving before
any change call and sees no archive button."""

import re

import pytest
import requests

from tests.changing import changes, new_workflow, share
from tests.conftest import free_port
from workflows_app.civis.errors import NotFound
from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db
SCHEDULE = {"scheduled": True, "scheduled_days": [1], "scheduled_hours": [6],
            "scheduled_minutes": [0]}  # fmt: skip


def test_copy_is_named_as_chosen_and_takes_the_schedule_when_asked(
    actor, sign_in, client, console_calls
):
    ada = actor("aokafor")
    emails = {"failure_email_addresses": ["ops@example.org"]}
    workflow = new_workflow(
        ada, schedule=SCHEDULE, time_zone="America/Chicago", notifications=emails
    )
    sign_in(client, ada)
    page = client.get(f"/workflows/{workflow.id}/copy/").content.decode()
    assert f'value="Copy of {workflow.name}"' in page

    answer = client.post(f"/workflows/{workflow.id}/copy/",
                         {"name": f"Copy of {workflow.name}", "clone_schedule": "on"})  # fmt: skip
    assert answer.status_code == 302
    copy_id = int(answer["Location"].strip("/").split("/")[-1])
    assert copy_id != workflow.id
    copy = ada.api.get_workflow(copy_id)
    assert copy.name == f"Copy of {workflow.name}"
    assert copy.schedule.scheduled and copy.schedule.hours == (6,)
    assert copy.notifications.failure_email_addresses != ("ops@example.org",)
    assert ("POST", f"/workflows/{workflow.id}/clone") in console_calls
    entry = AuditEntry.objects.get(action="post_clone", object_id=str(workflow.id))
    assert entry.action_words == "Copied a workflow"
    assert f"The copy is no. {copy_id}" in entry.detail

    plain_copy = {"name": "Plain copy", "clone_notifications": "on"}
    plain = client.post(f"/workflows/{workflow.id}/copy/", plain_copy)
    other = ada.api.get_workflow(int(plain["Location"].strip("/").split("/")[-1]))
    assert other.name == "Plain copy" and other.schedule.scheduled is False
    assert other.notifications.failure_email_addresses == ("ops@example.org",)


def test_archive_says_what_stops_and_restore_brings_it_back(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = new_workflow(ada, schedule=SCHEDULE, time_zone="America/Chicago")
    sign_in(client, ada)
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert "Archive it" in detail and "Make a copy" in detail

    check = client.get(f"/workflows/{workflow.id}/archive/").content.decode()
    assert "it will no longer run every monday at 06:00 (chicago time)" in check
    assert "Its run history, who has access, its projects and its definition." in check
    assert changes(console_calls, workflow.id) == []
    client.post(f"/workflows/{workflow.id}/archive/")
    assert ada.api.get_workflow(workflow.id).archived is True
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert "Restore it" in detail and "Archive it" not in detail

    assert "Its schedule starts again" in client.get(
        f"/workflows/{workflow.id}/restore/").content.decode()  # fmt: skip
    client.post(f"/workflows/{workflow.id}/restore/")
    assert ada.api.get_workflow(workflow.id).archived is False
    assert changes(console_calls, workflow.id) == [
        ("PUT", f"/workflows/{workflow.id}/archive"),
        ("PUT", f"/workflows/{workflow.id}/archive"),
    ]


def test_archiving_what_is_archived_or_restoring_what_is_not_changes_nothing(
    actor, sign_in, client, console_calls
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    restore = client.post(f"/workflows/{workflow.id}/restore/", follow=True)
    assert "It is not archived." in restore.content.decode()
    client.post(f"/workflows/{workflow.id}/archive/")
    archive = client.post(f"/workflows/{workflow.id}/archive/", follow=True)
    assert "It is already archived." in archive.content.decode()
    assert changes(console_calls, workflow.id) == [("PUT", f"/workflows/{workflow.id}/archive")]


@pytest.mark.parametrize("level", ["read", "write"])
def test_archive_needs_manage_and_is_refused_before_any_change_call(
    actor, sign_in, client, console_calls, level
):
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = new_workflow(ada)
    share(ada, workflow, chiara, level)
    sign_in(client, chiara)
    console_calls.clear()
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert "Archive it" not in detail and "Make a copy" in detail
    for url in ("archive/", "restore/"):
        for answer in (client.get(f"/workflows/{workflow.id}/{url}"),
                       client.post(f"/workflows/{workflow.id}/{url}")):  # fmt: skip
            assert answer.status_code == 403
            assert "needs manage access" in answer.content.decode()
    assert changes(console_calls, workflow.id) == []
    assert ada.api.get_workflow(workflow.id).archived is False


def test_a_viewer_may_copy_and_the_page_says_the_copy_is_theirs(actor, sign_in, client):
    """The platform lets someone who can only view a workflow copy it: the page says the copy
    is theirs alone, and so it is (they own it; its owner cannot open it)."""
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = new_workflow(ada)
    share(ada, workflow, chiara, "read")
    sign_in(client, chiara)
    page = client.get(f"/workflows/{workflow.id}/copy/").content.decode()
    assert "It is yours: only you can open it until you share it." in page

    answer = client.post(f"/workflows/{workflow.id}/copy/", {"name": "Chiara's own copy"})
    copy_id = int(answer["Location"].strip("/").split("/")[-1])
    copy = chiara.api.get_workflow(copy_id)
    assert (copy.owner.id, copy.my_permission_level) == (chiara.person.id, "manage")
    with pytest.raises(NotFound):
        ada.api.get_workflow(copy_id)


def test_a_copy_the_platform_does_not_answer_keeps_the_form_and_says_no_copy_was_made(
    actor, sign_in, client, settings
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/copy/"
    assert client.get(page).status_code == 200
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"  # civis_local unreachable

    answer = client.post(page, {"name": "Monday's copy", "clone_schedule": "on"})
    html = answer.content.decode()
    assert answer.status_code == 503
    summary = html.index('class="error-summary"')
    said = "The platform did not answer. No copy was made. Try again in a minute."
    assert said in html[summary:] and "Go to the start" not in html
    assert summary < html.index('<form method="post" novalidate>')
    assert 'value="Monday&#x27;s copy"' in html  # the name and the choice, kept
    assert re.search(r'name="clone_schedule"[^>]* checked', html)
    assert "Nothing was changed" not in html


def test_a_copy_made_but_not_renamed_says_so_with_a_link_to_it(actor, sign_in, client, local_api):
    """The copy is made (`post_clone`), then its rename (`patch_workflow`) is refused for
    speed: the page says the copy exists under the platform's name and links to it; it does
    not offer the form again, which would make a second copy."""
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/copy/"
    assert client.get(page).status_code == 200
    configure(local_api, rate_limit="2/120")  # the read and the copy spend it; not the rename
    try:
        answer = client.post(page, {"name": "Monday's copy"})
    finally:
        configure(local_api, rate_limit=None)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Your copy was made, but not renamed" in html
    copy_id = int(re.search(r'<a href="/workflows/(\d+)/">Open your copy</a>', html).group(1))
    copy = ada.api.get_workflow(copy_id)
    assert copy_id != workflow.id and copy.owner.id == ada.person.id
    called = f"Clone of Workflow {workflow.id} {workflow.name}"
    assert copy.name == called
    assert f"so it is called “{called}”, not “Monday&#x27;s copy”" in html
    assert f'href="/workflows/{copy_id}/edit/"' in html
    assert "Nothing was changed" not in html and "<form" not in html.split("<main", 1)[-1]


def configure(api, **levers) -> None:
    requests.post(api.url + "_local/config", json=levers, timeout=5).raise_for_status()
