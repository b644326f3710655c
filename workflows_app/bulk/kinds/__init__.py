"""What one item of a bulk job does upstream, one module per kind of job.

Every action is idempotent: a transfer to the person who already owns the workflow is done
without a call (the owner seen when the job was made, re-checked with a GET when an earlier
attempt may have reached the platform); shares are PUTs and revokes DELETEs, which the
platform treats as "make it so". An action returns an `Outcome` or raises a `CivisError`;
the runner decides what an error means for the item (retry later, or failed).

A new kind is one module here with one function, added to `ACTIONS`. An item may name its own
kind (`params["item_kind"]`), so one job can do more than one thing (offboarding: move, then
remove the leaver's access).
"""

from workflows_app.bulk.kinds.archive import archive
from workflows_app.bulk.kinds.base import Action, Outcome, Work
from workflows_app.bulk.kinds.leaver_access import move_then_remove, remove_access
from workflows_app.bulk.kinds.revoke import revoke
from workflows_app.bulk.kinds.share import share
from workflows_app.bulk.kinds.transfer import transfer

ACTIONS: dict[str, Action] = {
    "transfer": transfer,
    "share": share,
    "revoke": revoke,
    "archive": archive,
    # Items of an offboarding job that also removes the leaver's access (`item_kind`).
    "move_then_remove": move_then_remove,
    "remove_access": remove_access,
}

__all__ = ["ACTIONS", "Action", "Outcome", "Work"]
