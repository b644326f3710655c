"""The wizard's look-ups: everything a person owns, and who could own each workflow next."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import partial

from workflows_app.civis import CivisClient, CivisError, Forbidden, NotFound
from workflows_app.civis.concurrency import gather
from workflows_app.civis.pagination import MAX_PER_PAGE, Page
from workflows_app.civis.types import WorkflowSummary

LISTING_THREADS = 8
# The most `list_shares` calls one page view makes for suggestions (8 at a time); the page
# asks for the rest batch by batch while it polls.
SUGGESTION_BATCH = 40


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


def manageable(
    client: CivisClient, candidates: list[Candidate], *, person_id: int, viewer_id: int | None
) -> list[Candidate]:
    """The candidates the viewer can manage (moving or sharing a workflow needs that), so the
    wizard offers only what it can do. Everything is theirs when they list their own; else
    the listing does not say the caller's level, so each workflow's `myPermissionLevel` is
    read (`get_workflow`, 8 at a time), once, when the wizard starts."""
    if viewer_id is not None and viewer_id == person_id:
        return list(candidates)

    def can_manage(candidate: Candidate) -> bool:
        try:
            return client.get_workflow(candidate.id).my_permission_level == "manage"
        except (Forbidden, NotFound):
            return False

    verdicts = gather(*(partial(can_manage, c) for c in candidates))
    return [c for c, ok in zip(candidates, verdicts, strict=True) if ok]


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
    `list_shares`, asked for several workflows at once (callers pass a bounded batch). A
    workflow whose shares cannot be read gets no suggestion rather than failing the page."""

    def one(workflow_id: int) -> Suggestion:
        try:
            shares = client.list_shares(workflow_id)
        except CivisError:
            return Suggestion(workflow_id, None, None)
        for grantee in shares.users:
            if grantee.level == "manage" and grantee.id != leaving_id:
                return Suggestion(workflow_id, grantee.id, grantee.name)
        return Suggestion(workflow_id, None, None)

    found = gather(*(partial(one, workflow_id) for workflow_id in workflow_ids))
    return {s.workflow_id: s for s in found}
