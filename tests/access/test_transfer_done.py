"""/workflows/<id>/transfer/done/ claims a change only when this session made one (issue 10,
item 17)."""

import pytest

from workflows_app.civis import CivisClient, Forbidden, NotFound

pytestmark = pytest.mark.django_db


def test_the_done_page_of_a_workflow_nobody_transferred_claims_nothing(
    signed_in_client, admin_api, use_local_api
):
    me = CivisClient(signed_in_client.api_key, endpoint=use_local_api.url)

    def can_open(workflow_id: int) -> bool:
        try:
            me.get_workflow(workflow_id)
        except (Forbidden, NotFound):
            return False
        return True

    closed = next(w for w in admin_api.iter_workflows() if not can_open(w.id))
    opened = next(w for w in admin_api.iter_workflows() if can_open(w.id))

    for workflow in (closed, opened):
        response = signed_in_client.get(f"/workflows/{workflow.id}/transfer/done/")
        html = response.content.decode()
        assert "The owner was changed" not in html and "is now the owner" not in html
    assert response.status_code == 200 and "owns this workflow" in html
    gone = signed_in_client.get(f"/workflows/{closed.id}/transfer/done/")
    assert gone.status_code == 302 and gone["Location"] == f"/workflows/{closed.id}/"
