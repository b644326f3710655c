"""The workflow list and a workflow's run history, as the pages ask for them.

Without a name search the list is one `GET /workflows` per page. The API cannot search by
name, so a search walks the filtered list 50 at a time (stopping after `SEARCH_LIMIT`
workflows) and pages the matches here; the page says when it stopped early. The walked list is
remembered for `WALK_SECONDS` per viewer and filter set, so typing a name reads it once, not
once per keystroke; it is always read in one order (most recently updated first) and sorted
here, so changing the sort or the page reads nothing again. The run history
is one call per page; the API cannot filter runs by state either, so a state filter walks the
newest `HISTORY_LIMIT` runs the same way, remembered for `RUNS_WALK_SECONDS` per viewer and
workflow (whatever the state or the page), so paging a filtered history reads it once.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, Generic, TypeVar

from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.civis.concurrency import gather
from workflows_app.civis.pagination import MAX_PER_PAGE, Page, iterate_pages
from workflows_app.civis.types import ExecutionSummary, WorkflowSummary
from workflows_app.core import caching
from workflows_app.words.states import execution_state, workflow_state

T = TypeVar("T")

SEARCH_LIMIT = 1000
HISTORY_LIMIT = 500
WALK_SECONDS = 60
# Short: a run that started or ended shows in a filtered history within this many seconds.
RUNS_WALK_SECONDS = 30
# Civis says `running` for a workflow whose run is paused: the list asks each running
# workflow on its page (at most this many) for its newest runs to tell the two apart.
PAUSE_CHECKS = 20
PAUSE_CHECK_RUNS = 5
PAUSE_WALK_CHECKS = 100  # when the filter tells them apart, over the walked list
# What those runs said is kept this long, for everyone whose list shows the workflow: a page
# of 20 running workflows would otherwise cost 21 calls each time anyone opens it. Fifteen
# seconds is as fresh as the front page is about a running workflow
# (TRIAGE_RUNNING_REFRESH_SECONDS); a workflow's own page (which reads its newest runs anyway)
# and the console's run actions replace or drop it at once, so what a person just did or saw
# never reads stale on the list. Shared
# between people on purpose: a row's verdict is shown only beside a workflow the viewer's own
# list call returned (so they may read its runs), and every reader reads the same runs.
PAUSED_SECONDS = 15
# A walk reads the list in this order whatever the page's sort (which it applies itself): the
# most recently updated are the ones kept when there are more than SEARCH_LIMIT.
WALK_ORDER = "updated_at"  # descending
# What only orders or pages a list: not part of what a walk depends on.
NOT_FILTERS = frozenset({"limit", "page_num", "order", "order_dir"})


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of rows, and whether the console had to stop looking early."""

    page: Page[T]
    looked_through: int | None = None  # how many were read to filter here (None: the API did)
    stopped_early: bool = False
    paused: frozenset[int] = frozenset()  # workflows on the page whose live runs are all paused


def list_workflows(
    client: CivisClient,
    params: dict[str, Any],
    search: str,
    *,
    viewer_id: int,
    shown_states: frozenset[str] = frozenset(),
) -> Listing[WorkflowSummary]:
    """A page of workflows for `params` (from `WorkflowFilterForm.api_params`), as the person
    `viewer_id` (whose key `client` holds) sees them.

    `shown_states` are the last-run states asked for as the page shows them: when they tell
    running and paused apart, the running workflows are walked and asked which is paused."""
    refine = bool(shown_states & {"running", "paused"})
    if not search and not refine:
        listing = Listing(client.list_workflows(**params))
        return _with_paused(listing, paused_workflows(client, listing.page.items))
    filters = {k: v for k, v in params.items() if k not in NOT_FILTERS}
    walked = _remembered_walk(client, filters, viewer_id)
    # Sorted within the first SEARCH_LIMIT; one more read says the walk stopped early.
    walked = [
        *_sorted(walked[:SEARCH_LIMIT], params.get("order"), params.get("order_dir")),
        *walked[SEARCH_LIMIT:],
    ]
    needle = search.casefold()
    paused = paused_workflows(client, walked, limit=PAUSE_WALK_CHECKS) if refine else frozenset()

    def keep(workflow: WorkflowSummary) -> bool:
        if needle not in workflow.name.casefold():
            return False
        if not refine:
            return True
        shown = "paused" if workflow.id in paused else (workflow.state or "").lower()
        return shown in shown_states

    listing = _filtered_page(iter(walked), SEARCH_LIMIT, keep, params)
    if not refine:
        paused = paused_workflows(client, listing.page.items)
    return _with_paused(listing, paused)


def _with_paused(listing: Listing[T], paused: frozenset[int]) -> Listing[T]:
    ids = {getattr(item, "id", None) for item in listing.page.items}
    return Listing(listing.page, listing.looked_through, listing.stopped_early, paused & ids)  # type: ignore[arg-type]


def paused_workflows(
    client: CivisClient, workflows: Iterable[WorkflowSummary], limit: int = PAUSE_CHECKS
) -> frozenset[int]:
    """The ids of those `workflows` Civis calls running whose live runs are all paused: what
    was learnt in the last `PAUSED_SECONDS`, else one call for each running workflow,
    concurrently, at most `limit` of them."""
    running = [w.id for w in workflows if (w.state or "").lower() == "running"][:limit]
    if not running:
        return frozenset()
    keys = {wid: _paused_key(client.endpoint, wid) for wid in running}
    known: dict[int, bool] = {}
    cached = caching.get_many(list(keys.values()))
    for wid, key in keys.items():
        if key in cached:
            known[wid] = bool(cached[key])
    asked = [wid for wid in running if wid not in known]

    def newest(workflow_id: int) -> tuple[ExecutionSummary, ...] | None:
        try:
            return client.list_executions(
                workflow_id, limit=PAUSE_CHECK_RUNS, order="id", order_dir="desc"
            ).items
        except (errors.NotFound, errors.Forbidden):
            return None  # shown as running; not kept, another reader may see its runs

    found = gather(*(lambda wid=wid: newest(wid) for wid in asked)) if asked else ()
    learnt = {
        wid: workflow_state("running", runs) == "paused"
        for wid, runs in zip(asked, found, strict=True)
        if runs is not None
    }
    if learnt:
        caching.set_many({keys[wid]: paused for wid, paused in learnt.items()}, PAUSED_SECONDS)
    known.update(learnt)
    return frozenset(wid for wid, paused in known.items() if paused)


def remember_paused(
    endpoint: str,
    workflow_id: int,
    state: str | None,
    newest_runs: Iterable[ExecutionSummary],
    read_at: float | None = None,
) -> None:
    """A page that read a workflow and its newest runs anyway (newest first, as many as the
    list asks for or more) keeps what they say for the list. A read from earlier (`read_at`,
    as `time.time()`: the refresh engine's) is kept only for what is left of its
    `PAUSED_SECONDS`, and not at all if the console acted on a run of it since."""
    if (state or "").lower() != "running":
        return
    seconds = PAUSED_SECONDS
    key = _paused_key(endpoint, workflow_id)
    if read_at is not None:
        seconds = math.floor(read_at + PAUSED_SECONDS - time.time())
        acted_at = caching.get(key + ":acted")
        if seconds < 1 or (acted_at is not None and acted_at >= read_at):
            return
    paused = workflow_state("running", list(newest_runs)[:PAUSE_CHECK_RUNS]) == "paused"
    caching.set(key, paused, seconds)


def forget_paused(endpoint: str, workflow_id: int, acted: bool = True) -> None:
    """After the console itself started, resumed, retried or cancelled a run of it (`acted`:
    a background read from before then must not bring the old verdict back), or after a read
    that found no live run."""
    key = _paused_key(endpoint, workflow_id)
    if acted:
        caching.set(key + ":acted", time.time(), PAUSED_SECONDS)
    caching.delete(key)


def _paused_key(endpoint: str, workflow_id: int) -> str:
    digest = hashlib.sha256(endpoint.encode()).hexdigest()[:16]
    return f"workflows:paused:{digest}:{workflow_id}"


def _sorted(
    workflows: list[WorkflowSummary], order: str | None, order_dir: str | None
) -> list[WorkflowSummary]:
    """The walked list in the page's order, as the API would sort it (ties by id)."""
    field = order if order in ("name", "updated_at", "created_at") else "updated_at"

    def key(workflow: WorkflowSummary) -> tuple:
        value: str | datetime | None = getattr(workflow, field)
        # No date sorts as the oldest.
        return (value is not None, value if value is not None else "", workflow.id)

    return sorted(workflows, key=key, reverse=(order_dir or "desc") == "desc")


def _remembered_walk(
    client: CivisClient, filters: dict[str, Any], viewer_id: int
) -> list[WorkflowSummary]:
    """The first `SEARCH_LIMIT` + 1 workflows for `filters` (most recently updated first),
    read once per `WALK_SECONDS`.

    Keyed by the viewer's Civis user id (a list depends on whose key read it: never shared
    between people), the API endpoint and the filters, which decide which workflows match;
    not by the search words (every keystroke filters the same walked list), nor by the sort
    or the page (the caller sorts and pages the walked list)."""
    described = json.dumps([client.endpoint, filters], sort_keys=True, default=str)
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    key = f"workflows:walk:{viewer_id}:{digest}"
    walked = caching.get(key)
    if walked is None:
        pages = iterate_pages(
            lambda n: client.list_workflows(
                **filters, order=WALK_ORDER, order_dir="desc", limit=MAX_PER_PAGE, page_num=n
            )
        )
        walked = list(islice(pages, SEARCH_LIMIT + 1))
        caching.set(key, walked, WALK_SECONDS)
    return walked


def list_runs(
    client: CivisClient, workflow_id: int, params: dict[str, Any], state: str, *, viewer_id: int
) -> Listing[ExecutionSummary]:
    """A page of a workflow's runs, newest first, optionally of one state only (as the person
    `viewer_id`, whose key `client` holds, sees them)."""
    if not state:
        return Listing(client.list_executions(workflow_id, **params))
    walked = _remembered_runs(client, workflow_id, viewer_id)
    keep = lambda run: _run_state(run) == state  # noqa: E731
    return _filtered_page(iter(walked), HISTORY_LIMIT, keep, params)


def _remembered_runs(
    client: CivisClient, workflow_id: int, viewer_id: int
) -> list[ExecutionSummary]:
    """The newest `HISTORY_LIMIT` + 1 runs of a workflow, read once per `RUNS_WALK_SECONDS`,
    keyed by the viewer (never shared between people), the API endpoint and the workflow."""
    described = json.dumps([client.endpoint, workflow_id])
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    key = f"runs:walk:{viewer_id}:{digest}"
    walked = caching.get(key)
    if walked is None:
        pages = iterate_pages(
            lambda n: client.list_executions(workflow_id, limit=MAX_PER_PAGE, page_num=n)
        )
        walked = list(islice(pages, HISTORY_LIMIT + 1))
        caching.set(key, walked, RUNS_WALK_SECONDS)
    return walked


def _run_state(run: ExecutionSummary) -> str:
    return (execution_state(run.state, run.mistral_state) or "").lower()


def _filtered_page(
    items: Iterator[T], limit: int, keep: Callable[[T], bool], params: dict[str, Any]
) -> Listing[T]:
    read = list(islice(items, limit + 1))
    stopped_early = len(read) > limit
    read = read[:limit]
    matches = [item for item in read if keep(item)]
    per_page, page_num = params["limit"], params["page_num"]
    total_pages = max(1, math.ceil(len(matches) / per_page))
    start = (page_num - 1) * per_page
    page = Page(
        tuple(matches[start : start + per_page]), page_num, per_page, len(matches), total_pages
    )
    return Listing(page, looked_through=len(read), stopped_early=stopped_early)
