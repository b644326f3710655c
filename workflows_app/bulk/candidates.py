"""The wizard's look-ups: everything a person owns, and who could own each workflow next."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from ..civis import CivisClient, CivisError
from ..civis.pagination import MAX_PER_PAGE, Page
from ..civis.types import WorkflowSummary

SUGGESTION_THREADS = 8
LISTING_THREADS = 8


@dataclass(frozen=True)
class Candidate:
    """A workflow offered for selection, with its owner as listed (kept in the draft)."""

    id: int
    name: str
    owner_id: int | None
    archived: bool = False

    def as_json(self) -> dict:
        return asdict(self)


def owned_by(client: CivisClient, person_id: int) -> tuple[list[Candidate], int]:
    """Every workflow `person_id` owns that the caller can see, archived ones included
    (`list_workflows` with `author`, every page: the first, then the rest at once); and how
    many pages that took."""
    pages = 0
    lock = threading.Lock()

    def fetch(page_num: int) -> Page[WorkflowSummary]:
        nonlocal pages
        with lock:
            pages += 1
        return client.list_workflows(
            author=str(person_id),
            archived="all",
            order="created_at",
            order_dir="asc",
            limit=MAX_PER_PAGE,
            page_num=page_num,
        )

    first = fetch(1)
    rest: list[Page[WorkflowSummary]] = []
    if first.items and first.total_pages > 1:
        # The headers say how many pages there are: ask for the others at once.
        numbers = range(2, first.total_pages + 1)
        with ThreadPoolExecutor(min(LISTING_THREADS, len(numbers)), "bulk-list") as pool:
            rest = list(pool.map(fetch, numbers))
    found: dict[int, Candidate] = {}
    for page in (first, *rest):
        for workflow in page.items:
            owner = workflow.owner.id if workflow.owner else None
            found.setdefault(
                workflow.id, Candidate(workflow.id, workflow.name, owner, workflow.archived)
            )
    return list(found.values()), pages


@dataclass(frozen=True)
class Suggestion:
    """Who could own a workflow next: one of its other managers, or nobody found."""

    workflow_id: int
    person_id: int | None
    person_name: str | None


def suggested_owners(
    client: CivisClient, workflow_ids: Iterable[int], *, leaving_id: int
) -> dict[int, Suggestion]:
    """For each workflow, a person (not the one leaving) who can already manage it, from
    `list_shares`, asked for several workflows at once. A workflow whose shares cannot be
    read gets no suggestion rather than failing the whole page."""

    def one(workflow_id: int) -> Suggestion:
        try:
            shares = client.list_shares(workflow_id)
        except CivisError:
            return Suggestion(workflow_id, None, None)
        for grantee in shares.users:
            if grantee.level == "manage" and grantee.id != leaving_id:
                return Suggestion(workflow_id, grantee.id, grantee.name)
        return Suggestion(workflow_id, None, None)

    ids = list(workflow_ids)
    if not ids:
        return {}
    with ThreadPoolExecutor(min(SUGGESTION_THREADS, len(ids)), "bulk-suggest") as pool:
        return {s.workflow_id: s for s in pool.map(one, ids)}
