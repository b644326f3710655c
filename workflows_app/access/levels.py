"""The viewer's access level on a workflow, as last read from the platform: the ONE store.

Every page that reads a workflow as someone notes their level here (`remember`). Two readers:

- the workflow list shows it, however old (`recall_many`: "Your access" for rows not opened
  lately), since it only describes;
- the live status fragment of a run *decides* with it (`fresh`): it serves the shared
  snapshot of a run only to someone whose level was read within FRESH_SECONDS, and asks the
  platform again otherwise. So a viewer whose access was removed gets nothing new once that
  time has passed, and a watcher costs at most one upstream call per FRESH_SECONDS (their
  browser refreshes every few seconds), not one per refresh.

A refusal (the platform says they cannot open it) is remembered too, as no level, so a revoked
viewer's refreshes cost nothing until the next check. When the console itself removes a
person's share it forgets their level at once (`forget`)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache

from workflows_app.core import caching

KEEP_SECONDS = 7 * 24 * 3600
FRESH_SECONDS = 15


def _key(person_id: int, workflow_id: int) -> str:
    return f"viewer-level:{person_id}:{workflow_id}"


def remember(person_id: int, workflow_id: int, level: str | None) -> None:
    caching.set(_key(person_id, workflow_id), (level or "", time.time()), KEEP_SECONDS)


def forget(person_id: int, workflow_id: int) -> None:
    cache.delete(_key(person_id, workflow_id))


def fresh(person_id: int, workflow_id: int) -> tuple[bool, str | None]:
    """(known, level): known when read within FRESH_SECONDS; level None for no access."""
    value = caching.get(_key(person_id, workflow_id))  # without the cache: not known, ask
    if not isinstance(value, tuple) or time.time() - value[1] > FRESH_SECONDS:
        return False, None
    return True, value[0] or None


def recall_many(person_id: int, workflow_ids: Iterable[int]) -> dict[int, str | None]:
    """Levels noted for these workflows, however old, by id (never noted: left out)."""
    keys = {_key(person_id, wid): wid for wid in workflow_ids}
    found = caching.get_many(list(keys))
    return {keys[k]: (v[0] or None) for k, v in found.items() if isinstance(v, tuple)}
