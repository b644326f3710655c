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
from workflows_app.words.bulk import thing_kind

LISTING_THREADS = 8


class Tally:
    """How far a long read has got: `begin(total)` once the number of workflows to look at is
    known, `step()` after each. This one counts nothing; the wizard's background read
    (bulk/reads.py) passes one that writes its progress where the page reads it."""

    def begin(self, total: int) -> None:
        return None

    def step(self) -> None:
        return None


QUIET = Tally()


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
    client: CivisClient,
    candidates: list[Candidate],
    *,
    person_id: int,
    viewer_id: int | None,
    tally: Tally = QUIET,
) -> list[Candidate]:
    """The candidates the viewer can manage (moving or sharing a workflow needs that), so the
    wizard offers only what it can do. Everything is theirs when they list their own; else
    the listing does not say the caller's level, so each workflow's `myPermissionLevel` is
    read (`get_workflow`, 8 at a time), once, when the wizard starts (by a worker: reads.py)."""
    tally.begin(len(candidates))
    if viewer_id is not None and viewer_id == person_id:
        return list(candidates)

    def can_manage(candidate: Candidate) -> bool:
        try:
            return client.get_workflow(candidate.id).my_permission_level == "manage"
        except (Forbidden, NotFound):
            return False
        finally:
            tally.step()

    verdicts = gather(*(partial(can_manage, c) for c in candidates))
    return [c for c, ok in zip(candidates, verdicts, strict=True) if ok]


@dataclass(frozen=True)
class Suggestion:
    """Who could own a workflow next: one of its other managers, or nobody found."""

    workflow_id: int
    person_id: int | None
    person_name: str | None


def suggested_owners(
    client: CivisClient, workflow_ids: Iterable[int], *, leaving_id: int, tally: Tally = QUIET
) -> dict[int, Suggestion]:
    """For each workflow, a person (not the one leaving) who can already manage it, from
    `list_shares` (8 at a time; one call per workflow: a worker does it, reads.py). A
    workflow whose shares cannot be read gets no suggestion rather than failing the read."""
    ids = list(workflow_ids)
    tally.begin(len(ids))

    def one(workflow_id: int) -> Suggestion:
        try:
            shares = client.list_shares(workflow_id)
        except CivisError:
            return Suggestion(workflow_id, None, None)
        finally:
            tally.step()
        for grantee in shares.users:
            if grantee.level == "manage" and grantee.id != leaving_id:
                return Suggestion(workflow_id, grantee.id, grantee.name)
        return Suggestion(workflow_id, None, None)

    found = gather(*(partial(one, workflow_id) for workflow_id in ids))
    return {s.workflow_id: s for s in found}


def _every_workflow(client: CivisClient, author: str | None) -> list[WorkflowSummary]:
    """Every workflow the caller can see (of `author` when given), archived ones included."""

    def fetch(page_num: int) -> Page[WorkflowSummary]:
        return client.list_workflows(
            author=author, archived="all", limit=MAX_PER_PAGE, page_num=page_num
        )

    first = fetch(1)
    pages = [first]
    if first.items and first.total_pages > 1:
        numbers = range(2, first.total_pages + 1)
        with ThreadPoolExecutor(min(LISTING_THREADS, len(numbers)), "bulk-list") as pool:
            pages += list(pool.map(fetch, numbers))
    return [workflow for page in pages for workflow in page.items]


def shared_with(
    client: CivisClient, person_id: int, *, skip: Iterable[int] = (), tally: Tally = QUIET
) -> list[Candidate]:
    """The workflows the caller can manage, other than `skip` and the person's own, where the
    person has a share of their own (a user share, not through a group): what offboarding's
    last step removes. `list_shares` of each workflow listed (8 at a time), then the caller's
    level of those that have such a share. Hundreds of calls: a worker does it (reads.py)."""
    skipped = set(skip)
    listed = [
        w
        for w in _every_workflow(client, None)
        if w.id not in skipped and (w.owner is None or w.owner.id != person_id)
    ]
    tally.begin(len(listed))

    def has_share(workflow: WorkflowSummary) -> bool:
        try:
            return any(g.id == person_id for g in client.list_shares(workflow.id).users)
        except (Forbidden, NotFound):
            return False
        finally:
            tally.step()

    def can_manage(workflow: WorkflowSummary) -> bool:
        try:
            return client.get_workflow(workflow.id).my_permission_level == "manage"
        except (Forbidden, NotFound):
            return False

    shared = [w for w, ok in zip(listed, gather(*(partial(has_share, w) for w in listed)),
                                 strict=True) if ok]  # fmt: skip
    managed = gather(*(partial(can_manage, w) for w in shared))
    return [
        Candidate(w.id, w.name, w.owner.id if w.owner else None, w.archived)
        for w, ok in zip(shared, managed, strict=True)
        if ok
    ]


def closed_to(client: CivisClient, plan: list[dict], tally: Tally = QUIET) -> dict[str, list[dict]]:
    """For each planned move (`id`, `new_owner_id`), the things it uses that the new owner
    cannot open yet, as the page names them: `kind` in words ("job", "workflow"), `id`,
    `name` (None: hidden from the caller), `shareable` (the caller may share it) and `owner`
    when known. `list_dependencies` with their id (one call per workflow moved, 8 at a time:
    a worker does it, reads.py); then, once per job or workflow the caller cannot share or
    whose name it hides, `GET /jobs/{id}` or `GET /workflows/{id}` for its name and owner (who
    can share it); one the caller cannot open stays unnamed."""
    tally.begin(len(plan))

    def one(row: dict) -> list[dict]:
        try:
            found = client.list_dependencies(row["id"], user_id=row["new_owner_id"])
        except (Forbidden, NotFound):
            return []
        finally:
            tally.step()
        return [
            {"kind": thing_kind(d.fco_type), "id": d.id, "name": d.name or None,
             "shareable": bool(d.shareable), "owner": None}
            for d in found
            if d.permission_level != "manage"
        ]  # fmt: skip

    things = gather(*(partial(one, row) for row in plan))
    wanted = sorted(
        {(t["kind"], t["id"]) for found in things for t in found
         if t["kind"] in ("job", "workflow") and (not t["shareable"] or not t["name"])}
    )  # fmt: skip

    def look(kind: str, thing_id: int) -> tuple[str, str | None] | None:
        try:
            if kind == "job":
                job = client.get_job(thing_id)
                return job.name, job.author.name if job.author else None
            workflow = client.get_workflow(thing_id)
            return workflow.name, workflow.owner.name if workflow.owner else None
        except (Forbidden, NotFound):
            return None

    seen = dict(zip(wanted, gather(*(partial(look, *w) for w in wanted)), strict=True))
    for found in things:
        for thing in found:
            if (known := seen.get((thing["kind"], thing["id"]))) is not None:
                thing["name"] = thing["name"] or known[0] or None
                thing["owner"] = known[1] or None
    return {str(row["id"]): found for row, found in zip(plan, things, strict=True) if found}


def still_opens(
    client: CivisClient, person_id: int, workflow_ids: Iterable[int], *, tally: Tally = QUIET
) -> tuple[list[str], list[str]]:
    """After offboarding: which of `workflow_ids` the person can still open through a group
    share, and the names of those groups (their members read with `get_group`). One call per
    workflow and one per group: a worker does it (reads.py, `AFTERWARDS`)."""
    ids = list(workflow_ids)
    tally.begin(len(ids))

    def groups_of(workflow_id: int) -> tuple[int, list[tuple[int, str]]]:
        try:
            share = client.list_shares(workflow_id)
        except (Forbidden, NotFound):
            return workflow_id, []
        finally:
            tally.step()
        return workflow_id, [(g.id, g.name) for g in share.groups]

    shares = gather(*(partial(groups_of, i) for i in ids))
    group_ids = sorted({gid for _, groups in shares for gid, _ in groups})

    def member(group_id: int) -> bool:
        try:
            return any(m.id == person_id for m in client.get_group(group_id).members)
        except (Forbidden, NotFound):
            return False

    theirs = {g for g, ok in zip(group_ids, gather(*(partial(member, g) for g in group_ids)),
                                 strict=True) if ok}  # fmt: skip
    names = {gid: name for _, groups in shares for gid, name in groups}
    opened = [str(wid) for wid, groups in shares if any(gid in theirs for gid, _ in groups)]
    return opened, sorted(names[g] for g in theirs)
