"""Offboarding's last, optional step: remove the leaver's own access (their user share).

Two item kinds of one offboarding job (an item names its kind in `params["item_kind"]`):
`move_then_remove` for a workflow the job moves (the platform keeps the previous owner's
access through a share, so the share is removed after the transfer, never before), and
`remove_access` for another person's workflow shared with the leaver. Both are idempotent:
the transfer re-checks the owner when retried, and DELETE of a share that is gone is done.
"""

from __future__ import annotations

from workflows_app.bulk.kinds.base import Outcome, Work
from workflows_app.bulk.kinds.transfer import transfer
from workflows_app.civis import CivisClient
from workflows_app.civis.errors import CivisError, Unavailable
from workflows_app.words.bulk import still_has_access


def _leaver(work: Work) -> tuple[int, str]:
    return int(work.params["source_id"]), work.params.get("source_name") or "They"


def remove_access(client: CivisClient, work: Work) -> Outcome:
    """`delete_shares_users` for the leaver."""
    leaver, name = _leaver(work)
    client.delete_shares_users(work.workflow_id, leaver)
    return Outcome(f"{name}'s own access removed.", 204)


def move_then_remove(client: CivisClient, work: Work) -> Outcome:
    """The transfer, then the share the platform left the leaver. A removal the platform
    refuses is said on the item (the move stands); no answer is tried again (the transfer
    sees the workflow already moved and makes no second call)."""
    moved = transfer(client, work)
    leaver, name = _leaver(work)
    try:
        client.delete_shares_users(work.workflow_id, leaver)
    except Unavailable:
        raise
    except CivisError as exc:
        what = exc.upstream_message or exc.message
        problem = " ".join(p for p in (moved.problem, still_has_access(name, what)) if p)
        return Outcome(moved.message, moved.upstream_status, problem=problem, closed=moved.closed)
    return Outcome(
        f"{moved.message} {name}'s own access removed.",
        moved.upstream_status or 204,
        problem=moved.problem,
        closed=moved.closed,
    )
