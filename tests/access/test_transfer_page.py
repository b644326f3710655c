"""Make someone else the owner: choose, check what they can't open yet, confirm, see the result."""

import pytest

from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent_and_child(actor, new_workflow):
    """Ada's workflow that runs another workflow of hers (its dependency)."""
    ada = actor("aokafor")
    child = new_workflow(ada, label="Transfer child")
    parent = new_workflow(ada, child_id=child.id, label="Transfer parent")
    return ada, parent, child


def test_choosing_shows_the_picker_and_needs_a_person(parent_and_child, sign_in, client):
    ada, parent, _ = parent_and_child
    sign_in(client, ada)

    page = client.get(f"/workflows/{parent.id}/transfer/", {"q": "Washington"})
    html = page.content.decode()
    assert page.status_code == 200 and "Make someone else the owner" in html
    assert "Jamal Washington" in html and 'name="user_id"' in html

    missing = client.get(f"/workflows/{parent.id}/transfer/", {"user_id": ""})
    assert missing.status_code == 400 and "Choose a person" in missing.content.decode()
    group = client.get(f"/workflows/{parent.id}/transfer/", {"user_id": "group:3"})
    assert group.status_code == 400 and "Choose a person from the list" in group.content.decode()


def test_the_check_lists_what_the_new_owner_cannot_open(parent_and_child, actor, sign_in, client):
    ada, parent, child = parent_and_child
    jamal = actor("jwashington")
    sign_in(client, ada)

    html = client.get(
        f"/workflows/{parent.id}/transfer/", {"user_id": f"user:{jamal.person.id}"}
    ).content.decode()

    assert "Things this workflow uses that Jamal Washington can't open yet" in html
    assert child.name in html and "No access" in html
    assert "Make Jamal Washington the owner" in html
    assert 'name="include_dependencies"' in html and "checked" in html
    assert parent.id == ada.api.get_workflow(parent.id).id  # nothing changed yet
    assert ada.api.get_workflow(parent.id).owner.id == ada.person.id


def test_transfer_without_dependencies_says_what_was_not_shared(
    parent_and_child, actor, sign_in, client
):
    ada, parent, child = parent_and_child
    isabel = actor("imoreau")
    sign_in(client, ada)

    response = client.post(
        f"/workflows/{parent.id}/transfer/", {"user_id": f"user:{isabel.person.id}"}
    )

    assert response.status_code == 302
    assert isabel.api.get_workflow(parent.id).owner.id == isabel.person.id
    done = client.get(response["Location"]).content.decode()
    assert "Isabel Moreau</span> is now the owner" in done
    assert "Not shared" in done and "still can't open it" in done
    assert "No email was sent" in done
    assert f"/audit/?workflow={parent.id}" in done
    assert isabel.api.list_dependencies(parent.id, user_id=isabel.person.id)[0].id == child.id
    entry = AuditEntry.objects.get(action="put_transfer", object_id=str(parent.id))
    assert entry.outcome == "succeeded" and "without the things it uses" in entry.detail.lower()
    # The panel is shown once; a refresh shows who owns it now.
    again = client.get(response["Location"]).content.decode()
    assert "Isabel Moreau</span> owns this workflow" in again


def test_choosing_the_owner_again_changes_nothing(parent_and_child, sign_in, client):
    ada, parent, _ = parent_and_child
    sign_in(client, ada)

    html = client.get(
        f"/workflows/{parent.id}/transfer/", {"user_id": f"user:{ada.person.id}"}
    ).content.decode()

    assert "Ada Okafor already owns this workflow" in html
    assert "Make Ada Okafor the owner" not in html


def test_the_email_and_its_message_go_to_the_platform_only_when_asked():
    from workflows_app.access.forms import AddAccessForm, TransferForm

    share = AddAccessForm({"grantee": "group:3", "level": "read", "send_email": "on",
                           "message": "Have a look"})  # fmt: skip
    assert share.is_valid() and share.cleaned_data["grantee"] == ("group", 3)
    assert share.api_params() == {
        "permission_level": "read", "send_shared_email": True, "share_email_body": "Have a look"
    }  # fmt: skip
    quiet = TransferForm({"user_id": "user:5", "include_dependencies": "on"})
    assert quiet.is_valid()
    assert quiet.api_params() == {"user_id": 5, "include_dependencies": True}
    loud = TransferForm({"user_id": "5", "send_email": "on", "message": "Yours now"})
    assert loud.is_valid()
    assert loud.api_params() == {
        "user_id": 5, "include_dependencies": False, "send_email": True, "email_body": "Yours now"
    }  # fmt: skip
