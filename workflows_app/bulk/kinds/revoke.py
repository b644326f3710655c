"""Remove a person's or a group's access to a workflow."""

from __future__ import annotations

from workflows_app.bulk.kinds.base import Outcome, Work
from workflows_app.civis import CivisClient


def revoke(client: CivisClient, work: Work) -> Outcome:
    """`delete_shares_users` / `delete_shares_groups`."""
    params = work.params
    if params["grantee_type"] == "group":
        client.delete_shares_groups(work.workflow_id, int(params["grantee_id"]))
    else:
        client.delete_shares_users(work.workflow_id, int(params["grantee_id"]))
    return Outcome(f"Access removed for {params.get('grantee_name', 'them')}.", 204)
