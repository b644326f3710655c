"""What the console learned about a workflow while showing its pages, remembered per person.

`GET /workflows` tells neither the viewer's access nor when each workflow last ran, and asking
once per row would cost a call per row. The detail and history pages already fetch both, so
they note them here (in the shared cache), and the list reads them back for its rows in one
cache round trip.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from .civis.types import ExecutionSummary, Workflow
from .presentation.times import as_datetime

REMEMBER_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Seen:
    level: str | None
    last_run_at: datetime | None


def _key(person_id: int, workflow_id: int) -> str:
    return f"seen-workflow:{person_id}:{workflow_id}"


def remember(person_id: int, workflow: Workflow, latest: ExecutionSummary | None) -> None:
    """Note the viewer's level and the latest run's start (None: it has never run)."""
    started = latest.started_at or latest.created_at if latest else None
    value = {"level": workflow.my_permission_level, "last_run": started and started.isoformat()}
    cache.set(_key(person_id, workflow.id), value, REMEMBER_SECONDS)


def recall(person_id: int, workflow_ids: Iterable[int]) -> dict[int, Seen]:
    """What is remembered for these workflows, by id (those never seen are left out)."""
    keys = {_key(person_id, wid): wid for wid in workflow_ids}
    found = cache.get_many(list(keys))
    return {
        keys[key]: Seen(value.get("level"), as_datetime(value.get("last_run")))
        for key, value in found.items()
    }
