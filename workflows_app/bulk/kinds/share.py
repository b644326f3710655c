"""Give a person or a group access to a workflow."""

from __future__ import annotations

from workflows_app.bulk.kinds.base import Outcome, Work
from workflows_app.civis import CivisClient
from workflows_app.words.access import describe_access


def share(client: CivisClient, work: Work) -> Outcome:
    """`put_shares_users` / `put_shares_groups` with the chosen level."""
    params = work.params
    level = str(params["level"])
    send = bool(params.get("send_email"))
    body = params.get("email_body") or None
    group = params["grantee_type"] == "group"
    give = client.put_shares_groups if group else client.put_shares_users
    give(
        work.workflow_id,
        [int(params["grantee_id"])],
        level,
        send_shared_email=send,
        share_email_body=body,
    )
    return Outcome(f"{params.get('grantee_name', 'They')} now {describe_access(level)}.", 200)
