"""What the list can say about each row without a call per row.

`GET /workflows` tells neither the viewer's access nor when each workflow last ran. The
detail and history pages fetch both anyway: they note the viewer's level (in the one store of
levels, `access.levels`) and the runs in the per-person execution index (`execution_index`,
which a periodic task also keeps fresh for people signed in). The list reads both back for its
page of rows: one cache round trip and one database query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.db.models.functions import Coalesce

from workflows_app.access import levels
from workflows_app.civis.types import Workflow
from workflows_app.core import caching
from workflows_app.models import CivisAccount
from workflows_app.models.runs import IndexedExecution
from workflows_app.runs import index as execution_index

REWRITE_SECONDS = 60


@dataclass(frozen=True)
class Seen:
    level: str | None
    last_run_at: datetime | None


def remember(account: CivisAccount, workflow: Workflow, runs: Sequence[Any]) -> None:
    """Note the viewer's level on `workflow` and the runs a page fetched of it.

    The runs are written to the index only when they read otherwise than when this person's
    page last wrote them, or `REWRITE_SECONDS` ago: reading a page again is no database write
    (issue 13, item 8). Their `seen_at` then lags by that much at most; retention counts days."""
    levels.remember(account.civis_user_id, workflow.id, workflow.my_permission_level)
    key = _written_key(account, workflow, runs)
    if caching.get(key) is None:  # never written lately, or the cache does not answer
        execution_index.index_executions(account, workflow, runs)
        caching.set(key, True, REWRITE_SECONDS)


def _written_key(account: CivisAccount, workflow: Workflow, runs: Sequence[Any]) -> str:
    """Names everything `index_executions` writes of these runs (but when)."""
    shown = [
        (
            run.id,
            run.state,
            getattr(run, "mistral_state", None),
            run.user.name if run.user else None,
            run.started_at,
            run.finished_at,
            run.created_at,
        )
        for run in runs
    ]
    # The account's last sign-in too: rows written before a database was emptied (a test's)
    # are never taken as written for an account made again with the same id.
    described = repr([account.last_seen_at, workflow.name, shown])
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"runs:indexed:{account.pk}:{workflow.id}:{digest}"


def recall(account: CivisAccount, workflow_ids: Iterable[int]) -> dict[int, Seen]:
    """What is known of these workflows, by id (those never seen are left out)."""
    ids = list(workflow_ids)
    known = levels.recall_many(account.civis_user_id, ids)
    last_runs = dict(
        IndexedExecution.objects.filter(account=account, workflow_id__in=ids)
        .values("workflow_id")
        .annotate(last=Max(Coalesce("started_at", "created_at")))
        .values_list("workflow_id", "last")
    )
    return {
        wid: Seen(known.get(wid), last_runs.get(wid))
        for wid in ids
        if wid in known or last_runs.get(wid)
    }
