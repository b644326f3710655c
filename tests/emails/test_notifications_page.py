"""Who gets a workflow's emails, over a live civis_local: typed addresses and a person from the
picker are saved with `patch` (the web addresses kept), someone who cannot open the workflow
is flagged, a wrong address changes nothing, and a viewer is refused before any change call."""

import re
from html import unescape

import pytest

from tests.changing import changes, new_workflow, share
from tests.conftest import free_port

pytestmark = pytest.mark.django_db


def saved(**fields):
    base = {"failure_on": "on", "failure_addresses": "", "stall_warning_minutes": "",
            "success_addresses": "", "success_email_subject": "", "success_email_body": "",
            "action": "save"}  # fmt: skip
    return {**base, **fields}


def test_typed_addresses_and_a_person_from_the_picker_are_saved(
    actor, sign_in, client, console_calls
):
    ada, jamal = actor("aokafor"), actor("jwashington")
    workflow = new_workflow(ada, notifications={"urls": ["https://hooks.example.org/x"]})
    share(ada, workflow, jamal, "read")
    sign_in(client, ada)
    console_calls.clear()
    page = f"/workflows/{workflow.id}/notifications/"
    assert "Find a person" in client.get(page).content.decode()
    found = client.get(page + "?q=Washing").content.decode()
    assert f'value="user:{jamal.person.id}"' in found

    added = client.post(page, {**saved(failure_addresses="ops@example.org"),
                               "action": "add_person", "person": f"user:{jamal.person.id}",
                               "add_to": "both"}).content.decode()  # fmt: skip
    assert f"Added Jamal Washington ({jamal.person.email})" in added
    assert changes(console_calls, workflow.id) == []

    answer = client.post(page, saved(
        failure_addresses=f"ops@example.org\n{jamal.person.email}", stall_warning_minutes="45",
        success_on="on", success_addresses=jamal.person.email, success_email_subject="Done",
    ))  # fmt: skip
    assert answer.status_code == 302
    kept = ada.api.get_workflow(workflow.id).notifications
    assert kept.failure_email_addresses == ("ops@example.org", jamal.person.email)
    assert kept.success_email_addresses == (jamal.person.email,)
    assert (kept.stall_warning_minutes, kept.success_on, kept.failure_on) == (45, True, True)
    assert kept.success_email_subject == "Done"
    assert kept.urls == ("https://hooks.example.org/x",)
    assert changes(console_calls, workflow.id) == [("PATCH", f"/workflows/{workflow.id}")]
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert "When a run fails, it emails 2 addresses." in detail


def test_an_address_of_someone_without_access_is_flagged(actor, sign_in, client):
    ada, chiara = actor("aokafor"), actor("cbellini")
    addresses = [chiara.person.email, "outside@example.org"]
    workflow = new_workflow(ada, notifications={"failure_email_addresses": addresses})
    sign_in(client, ada)
    html = unescape(client.get(f"/workflows/{workflow.id}/notifications/").content.decode())
    assert "Some of these people can't open this workflow" in html
    # Chiara never had access: the words are true whether she lost it or never had it.
    said = "Chiara Bellini can't open this workflow, but would still get its emails."
    assert f"{chiara.person.email}</span>: {said}" in html
    assert "no longer has access" not in html
    assert "outside@example.org</span>" not in html

    share(ada, workflow, chiara, "read")
    html = unescape(client.get(f"/workflows/{workflow.id}/notifications/").content.decode())
    assert said not in html


def test_a_wrong_address_is_explained_and_nothing_changes(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    answer = client.post(f"/workflows/{workflow.id}/notifications/",
                         saved(failure_addresses="ops@example.org\nnot an address"))  # fmt: skip
    assert answer.status_code == 400
    assert "These are not email addresses: “not”, “an”, “address”." in answer.content.decode()
    assert changes(console_calls, workflow.id) == []


def test_a_viewer_sees_no_change_link_and_is_refused(actor, sign_in, client, console_calls):
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = new_workflow(ada)
    share(ada, workflow, chiara, "read")
    sign_in(client, chiara)
    console_calls.clear()
    page = f"/workflows/{workflow.id}/notifications/"
    assert page not in client.get(f"/workflows/{workflow.id}/").content.decode()
    for answer in (client.get(page), client.post(page, saved(failure_addresses="a@b.org"))):
        assert answer.status_code == 403
    assert changes(console_calls, workflow.id) == []


def test_a_save_the_platform_does_not_answer_shows_the_form_again_filled_in(
    actor, sign_in, client, settings
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/notifications/"
    assert client.get(page).status_code == 200
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"  # civis_local unreachable

    answer = client.post(page, saved(failure_addresses="kept@example.com"))
    html = answer.content.decode()
    assert answer.status_code == 503
    summary = html.index('class="error-summary"')
    assert "The platform did not answer. Nothing was changed. Try again in a minute." in html
    assert summary < html.index(f'action="/workflows/{workflow.id}/notifications/"')
    assert "kept@example.com" in html and "Go to the start" not in html


def test_a_person_picked_when_the_platform_does_not_answer_stays_picked(
    actor, sign_in, client, settings
):
    """The picker's results send each name beside its value; a save or an 'Add this person'
    left unanswered shows the person picked again, chosen, by name (pickers.chosen_again)."""
    ada, jamal = actor("aokafor"), actor("jwashington")
    workflow = new_workflow(ada)
    share(ada, workflow, jamal, "read")
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/notifications/"
    choice = f"user:{jamal.person.id}"
    found = unescape(client.get(page + "?q=Washing").content.decode())
    assert f'name="person_name_{choice}" value="Jamal Washington"' in found
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"  # civis_local unreachable

    for action in ("add_person", "save"):
        answer = client.post(page, {**saved(failure_addresses="kept@example.com"), "action": action,
                                    "person": choice, f"person_name_{choice}": "Jamal Washington",
                                    "add_to": "both"})  # fmt: skip
        html = unescape(answer.content.decode())
        assert answer.status_code == 503
        assert "The platform did not answer. Nothing was changed." in html
        assert re.search(rf'value="{choice}"\s+checked>', html), action
        assert '<span class="picker__name">Jamal Washington</span>' in html
        assert "kept@example.com" in html


NOBODY_FAILS = "Nobody will get failure emails: no address is listed for them."
NOBODY_STALL = "Nobody will get the warning when a run takes too long"
NOBODY_SUCCEEDS = "Nobody will get success emails: no address is listed for them."


def test_a_kind_of_email_ticked_with_nobody_to_get_it_is_pointed_out(
    actor, sign_in, client, console_calls
):
    """Success or failure emails on with no address, or a warning when a run takes too long
    with no failure address: the platform takes it, the page says nobody will get them by
    the box or field (read with it), and so do the message after saving and the workflow
    page's Notifications row."""
    ada = actor("aokafor")
    workflow = new_workflow(ada, notifications={
        "failure_on": True, "failure_email_addresses": [], "stall_warning_minutes": 30,
        "success_on": True, "success_email_addresses": []})  # fmt: skip
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/notifications/"
    html = unescape(client.get(page).content.decode())
    hints = [(NOBODY_FAILS, "failure-nobody", 'id="id_failure_on"'),
             (NOBODY_STALL, "stall-nobody", 'id="id_stall_warning_minutes"'),
             (NOBODY_SUCCEEDS, "success-nobody", 'id="id_success_on"')]  # fmt: skip
    for words, hint_id, box in hints:
        assert re.search(f'<p [^>]*id="{hint_id}">{re.escape(words)}', html)
        tag = re.search(f"<input [^>]*{box}[^>]*>", html)[0]
        assert re.search(f'aria-describedby="[^"]*\\b{hint_id}"', tag)
    assert 'aria-describedby="id_stall_warning_minutes_helptext stall-nobody"' in html
    # The workflow page's Notifications row says the same, by the same rule.
    row = unescape(client.get(f"/workflows/{workflow.id}/").content.decode())
    row = row[row.index("<dt>Notifications</dt>") :].split("</dd>")[0]
    for words in (NOBODY_FAILS, NOBODY_STALL, NOBODY_SUCCEEDS):
        assert words in row

    # Ticked with someone to get them: nothing to point out.
    listed = client.post(page, {**saved(failure_addresses="ops@example.org",
                                        stall_warning_minutes="30", success_on="on",
                                        success_addresses="ops@example.org"),
                                "action": "add_person", "person": ""})  # fmt: skip
    assert "Nobody will get" not in unescape(listed.content.decode())

    console_calls.clear()
    answer = client.post(page, saved(failure_addresses="ops@example.org", success_on="on"))
    assert answer.status_code == 302  # a hint, not a refusal
    assert changes(console_calls, workflow.id) == [("PATCH", f"/workflows/{workflow.id}")]
    kept = ada.api.get_workflow(workflow.id).notifications
    assert (kept.success_on, kept.success_email_addresses) == (True, ())
    detail = unescape(client.get(answer["Location"]).content.decode())
    said = "Emails saved. When a run fails, it emails 1 address. " + NOBODY_SUCCEEDS
    assert said in detail
    assert f"<li>{NOBODY_SUCCEEDS}</li>" in detail  # the Notifications row
    assert NOBODY_FAILS not in detail
