"""A workflow's projects over a live civis_local: found with the project picker, added with
`put_projects`, removed with `delete_projects`, shown as links on the workflow page; a viewer
is refused before any change call."""

import uuid

import pytest

from tests.changing import changes, new_workflow, share

pytestmark = pytest.mark.django_db


def new_project(who, name: str):
    """A project made through the local API as that person (the console does not make them)."""
    import requests
    from django.conf import settings

    answer = requests.post(f"{settings.CIVIS_API_ENDPOINT}projects", timeout=10,
                           headers={"Authorization": f"Bearer {who.key}"},
                           json={"name": name, "description": ""})  # fmt: skip
    answer.raise_for_status()
    return answer.json()["id"]


def test_add_through_the_picker_and_remove(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    label = f"Quarterly {uuid.uuid4().hex[:6]}"
    project_id = new_project(ada, label)
    sign_in(client, ada)
    console_calls.clear()
    page = f"/workflows/{workflow.id}/projects/"
    assert "It is in no project." in client.get(page).content.decode()
    found = client.get(page + f"?q={label[-6:]}").content.decode()
    assert f'value="{project_id}"' in found and label in found

    client.post(page + "add/", {"project": project_id, "project_name": label})
    assert [p.id for p in ada.api.list_workflow_projects(workflow.id)] == [project_id]
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert f'href="/workflows/{workflow.id}/projects/#project-{project_id}">{label}</a>' in detail

    client.post(page + f"{project_id}/remove/", {"project_name": label})
    assert ada.api.list_workflow_projects(workflow.id) == ()
    assert changes(console_calls, workflow.id) == [
        ("PUT", f"/workflows/{workflow.id}/projects/{project_id}"),
        ("DELETE", f"/workflows/{workflow.id}/projects/{project_id}"),
    ]


def test_a_viewer_is_refused_before_any_change_call(actor, sign_in, client, console_calls):
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = new_workflow(ada)
    project_id = new_project(ada, f"Viewer test {uuid.uuid4().hex[:6]}")
    share(ada, workflow, chiara, "read")
    sign_in(client, chiara)
    console_calls.clear()
    page = f"/workflows/{workflow.id}/projects/"
    assert page not in client.get(f"/workflows/{workflow.id}/").content.decode()
    for answer in (client.get(page), client.post(page + "add/", {"project": project_id}),
                   client.post(page + f"{project_id}/remove/")):  # fmt: skip
        assert answer.status_code == 403
    assert changes(console_calls, workflow.id) == []
