"""Any task name the platform accepts works in every URL of the console (issue 10, item 14)."""

import pytest

from .conftest import sign_in, wait_for

pytestmark = pytest.mark.django_db

SLASHED = """version: '2.0'
nightly:
  type: direct
  tasks:
    extract/load:
      action: std.async_noop
      timeout: 1
"""


def test_a_task_named_with_a_slash_has_working_pages_for_every_viewer(client, owner, viewer):
    workflow = owner.workflow("Slashed task names", SLASHED)
    execution = owner.api.post_executions(workflow.id)
    execution = wait_for(lambda: owner.read(execution), lambda e: e.state == "failed")
    owner.api.put_shares_users(workflow.id, [viewer.person.id], "read")
    run = f"/workflows/{workflow.id}/executions/{execution.id}/"

    for who in (owner, viewer):
        sign_in(client, who.key)
        page = client.get(run)
        assert page.status_code == 200, who.person.username
        html = page.content.decode()
        assert "extract/load" in html
        task_url = f"{run}tasks/extract/load/"
        assert f'href="{task_url}"' in html
        task_page = client.get(task_url)
        assert task_page.status_code == 200
        assert "extract/load" in task_page.content.decode()

    sign_in(client, owner.key)
    html = client.get(run).content.decode()
    assert "Retry this task" in html and "?task_name=extract/load" in html
    confirm = client.get(f"{run}retry/?task_name=extract%2Fload")
    assert confirm.status_code == 200
    assert "extract/load" in confirm.content.decode()
