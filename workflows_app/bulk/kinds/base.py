"""What every kind of bulk action takes and gives back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from workflows_app.civis import CivisClient


@dataclass(frozen=True)
class Outcome:
    """What happened to one workflow, in words for the results table."""

    message: str
    upstream_status: int | None = None
    called: bool = True
    # Something asked for that did not happen, and what the person can do ("": nothing).
    problem: str = ""
    # The things a move's `problem` names as left closed to the new owner (kind, id, name,
    # owner), kept on the item so the workflow's own page can tell the new owner.
    closed: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Work:
    """One item as an action needs it: the workflow, the job's parameters with the item's
    own on top, and whether an earlier attempt may already have changed something."""

    workflow_id: int
    known_owner_id: int | None
    params: Mapping[str, Any]
    retried: bool


Action = Callable[[CivisClient, Work], Outcome]
