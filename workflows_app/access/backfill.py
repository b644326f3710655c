"""Filling in "Your access" on the workflow list in the background.

`GET /workflows` does not say the viewer's level; only a read of each workflow does. The list
shows what the one store of levels (`access.levels`) knows and, for the rows it does not know,
asks a worker to read them as that person: one read per workflow per person per
ASK_AGAIN_SECONDS however often the list is loaded (a cache key claims each), all of a page's
reads in one task, concurrently (the fan-in of the run index's sweep). The task gets the
person's SessionKey row id, never the key. The list says "being checked…" in those rows while
a check is younger than PATIENCE_SECONDS (then "—" again, until the next ask); its next load
shows the level."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import transaction

from workflows_app.access import levels
from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.civis.concurrency import gather
from workflows_app.core import caching

ASK_AGAIN_SECONDS = 300
PATIENCE_SECONDS = 60


def _asked_key(person_id: int, workflow_id: int) -> str:
    return f"viewer-level-asked:{person_id}:{workflow_id}"


def ask(person_id: int, session_key_id: int | None, workflow_ids: Iterable[int]) -> set[int]:
    """Queue a read of the person's level on each of `workflow_ids` not asked for within
    ASK_AGAIN_SECONDS; returns those whose check started within PATIENCE_SECONDS (the rows
    the list says are being checked)."""
    ids = list(dict.fromkeys(workflow_ids))
    if not ids or session_key_id is None:
        return set()
    now = time.time()
    keys = {_asked_key(person_id, wid): wid for wid in ids}
    asked = caching.get_many(list(keys))
    # Claimed in one round trip (a cache add per row cost ~2 ms each, a list page's worth
    # 100 ms). Not atomic: two loads in the same instant may both read a row, once more each.
    fresh = [wid for key, wid in keys.items() if key not in asked]
    recent = {keys[key] for key, at in asked.items() if now - float(at) < PATIENCE_SECONDS}
    claimed = {_asked_key(person_id, wid): now for wid in fresh}
    if not fresh or not caching.set_many(claimed, ASK_AGAIN_SECONDS):
        return recent  # nothing new, or no cache to claim with: ask no worker
    from workflows_app.access.tasks import fill_levels

    transaction.on_commit(lambda: fill_levels.delay(person_id, session_key_id, fresh))
    return recent | set(fresh)


def read_levels(client: CivisClient, person_id: int, workflow_ids: Iterable[int]) -> int:
    """Read each workflow as the person (concurrently) and note their level in the one store;
    a workflow they cannot open (any more) is noted as no access. Returns how many were read."""
    ids = list(workflow_ids)

    def read(workflow_id: int) -> str | None:
        try:
            return client.get_workflow(workflow_id).my_permission_level or None
        except (errors.Forbidden, errors.NotFound):
            return None

    found = gather(*(lambda wid=wid: read(wid) for wid in ids)) if ids else ()
    for workflow_id, level in zip(ids, found, strict=True):
        levels.remember(person_id, workflow_id, level)
    return len(ids)
