"""Archive a workflow (its schedule stops; history, shares and projects stay)."""

from __future__ import annotations

from workflows_app.bulk.kinds.base import Outcome, Work
from workflows_app.civis import CivisClient


def archive(client: CivisClient, work: Work) -> Outcome:
    """`put_archive` with status true; a PUT, so trying again is harmless."""
    client.put_archive(work.workflow_id, True)
    return Outcome("Archived: it no longer runs on its schedule.", 200)
