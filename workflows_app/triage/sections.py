"""The lists of the front page for one person, from the console's own tables (what the refresh
engine last read) plus ONE round of concurrent reads as the viewer: their own access level for
each workflow the lists would show (so a run waiting for approval is shown only to people who
can resume it, and nothing is shown about a workflow they can no longer open), and, now and
then, their own workflows (watched by default). Watched workflows the engine has never read
(their own, watched by this very view after signing in) are read for the view in a second
round, a few at most; any still unread are named on the page instead of "nothing is
failing", and the page asks again by itself until the engine has read them."""

from __future__ import annotations

import contextvars
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.civis.concurrency import gather
from workflows_app.models import (
    CivisAccount,
    FailureEpisode,
    NotificationSettings,
    TrackedRun,
    TrackedWorkflow,
    Watch,
)
from workflows_app.runs import retries
from workflows_app.triage import engine, episodes
from workflows_app.triage import watch as watching
from workflows_app.words.access import at_least
from workflows_app.words.triage import first_look, none_found_yet

MAX_CHECKED = 20  # workflows whose access is checked per view (one concurrent round)
FIRST_READS = 8  # watched workflows the engine never read, read for a view (one round)
LOOK_AGAIN_SECONDS = 3  # how often the page asks again while some were never read
RECENT = 10
_REFUSED = (errors.NotFound, errors.Forbidden)
# One thread per page view at a time, for the viewer's reads (which gather in turn).
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="front-page")


@dataclass
class EpisodeItem:
    episode: FailureEpisode
    words: str


@dataclass
class FrontPage:
    episodes: list[EpisodeItem] = field(default_factory=list)
    acknowledged: list[FailureEpisode] = field(default_factory=list)
    waiting: list[TrackedRun] = field(default_factory=list)
    did_not_start: list[TrackedWorkflow] = field(default_factory=list)
    running_long: list[TrackedRun] = field(default_factory=list)
    recent: list[TrackedRun] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    watching: int = 0
    unread: int = 0  # watched workflows the engine has not read yet: the lists may lack them
    owned_unknown: bool = False  # their own workflows were never listed: the platform failed
    look_again_seconds: int = LOOK_AGAIN_SECONDS

    @property
    def needs_attention(self) -> bool:
        return bool(self.episodes or self.waiting or self.did_not_start or self.running_long)

    @property
    def still_looking(self) -> bool:
        """The lists may lack some workflows: never "nothing is failing" then."""
        return bool(self.unread or self.owned_unknown)

    @property
    def looking(self) -> str:
        return first_look(self.unread, self.owned_unknown) if self.still_looking else ""

    @property
    def none_found_yet(self) -> str:
        return none_found_yet(self.unread) if self.still_looking else ""


def _safe(call):
    def run():
        try:
            return call()
        except errors.CivisError as exc:
            return exc

    return run


def _owned_listed_at(account: CivisAccount) -> dt.datetime | None:
    chosen = NotificationSettings.objects.filter(account=account).first()
    return chosen.owned_listed_at if chosen else None


def _stale(listed: dt.datetime | None, now: dt.datetime) -> bool:
    return listed is None or now - listed > dt.timedelta(seconds=watching.OWNED_RELIST_SECONDS)


def _ask(client: CivisClient, account: CivisAccount, workflow_ids: list[int], owned: bool):
    """The viewer's reads (HTTP only): each workflow, and their own workflows when asked."""
    calls: list[Any] = [_safe(lambda w=w: client.get_workflow(w)) for w in workflow_ids]
    if owned:
        calls.append(_safe(lambda: watching.list_owned(client, account)))
    return gather(*calls) if calls else ()


def _levels(
    account: CivisAccount,
    workflow_ids: list[int],
    results: tuple,
    owned: bool,
    stored: dict[int, str],
    now: dt.datetime,
) -> dict[int, str | None]:
    """The viewer's level per workflow (None: could not ask, "": refused); a refusal marks
    the watch, a changed level is remembered (nothing is written when nothing changed)."""
    levels: dict[int, str | None] = {}
    for workflow_id, found in zip(workflow_ids, results, strict=False):
        if isinstance(found, _REFUSED):
            Watch.objects.filter(account=account, workflow_id=workflow_id).update(
                access_lost_at=now, access_checked_at=now
            )
            levels[workflow_id] = ""
        elif isinstance(found, errors.CivisError):
            levels[workflow_id] = None
        else:
            levels[workflow_id] = found.my_permission_level or "read"
            if stored.get(workflow_id) != levels[workflow_id]:
                Watch.objects.filter(account=account, workflow_id=workflow_id).update(
                    level=levels[workflow_id], access_checked_at=now
                )
    if owned and results and not isinstance(results[-1], errors.CivisError):
        watching.watch_owned(account, results[-1])
        NotificationSettings.objects.update_or_create(
            account=account, defaults={"owned_listed_at": now}
        )
    return levels


def _unread(ids: list[int]) -> list[int]:
    """The watched workflows the engine has not read yet (rows made for any it does not know)."""
    known = dict(
        TrackedWorkflow.objects.filter(workflow_id__in=ids).values_list("workflow_id", "read_at")
    )
    if set(ids) - set(known):
        TrackedWorkflow.objects.bulk_create(
            [TrackedWorkflow(workflow_id=w) for w in set(ids) - set(known)], ignore_conflicts=True
        )
    return [w for w in ids if known.get(w) is None]


def _first_reads(
    account: CivisAccount, client: CivisClient, ids: list[int], listed: tuple, now: dt.datetime
) -> tuple[int, int]:
    """On the view that listed (and so watched) their own workflows, the first after signing
    in: read the watched workflows the engine never read, so the lists do not leave them out;
    up to FIRST_READS, those the platform lists as failed first, then those it says nothing
    about, then those not finished. Returns how many were read, and how many are still unread
    (the page says so, and asks again by itself until the engine's tick has read them)."""
    unread = _unread(ids)
    if not unread or not listed:  # not the view that watched them: the engine's next tick
        return 0, len(unread)
    summaries = {w.id: w for w in listed}
    order = {w.id: n for n, w in enumerate(listed)}

    def urgency(workflow_id: int) -> tuple:
        state = summaries[workflow_id].state if workflow_id in summaries else None
        rank = 1 if state is None else 0 if state == "failed" else 3
        if rank == 3 and state not in engine.FINISHED:
            rank = 2
        return (rank, order.get(workflow_id, len(order)), workflow_id)

    chosen = sorted(unread, key=urgency)[:FIRST_READS]
    read = engine.read_first(account.pk, client, chosen, summaries, now)
    return read, len(_unread(ids))


def _rows(ids: list[int], now: dt.datetime):
    """What the engine last read of these workflows: open episodes, paused runs, missed
    schedules, runs running long, and the tracked rows by workflow."""
    tracked = {t.workflow_id: t for t in TrackedWorkflow.objects.filter(workflow_id__in=ids)}
    open_episodes = list(
        FailureEpisode.objects.filter(workflow_id__in=ids, closed_at__isnull=True).select_related(
            "acknowledged_by"
        )
    )
    paused = list(TrackedRun.objects.filter(workflow_id__in=ids, state="paused"))
    missed = [t for t in tracked.values() if t.missed_at is not None]
    running = [
        r for r in TrackedRun.objects.filter(workflow_id__in=ids, state="running")
        if r.workflow_id in tracked
    ]  # fmt: skip
    retried = retries.remembered(r.execution_id for r in running) if running else {}
    for run in running:  # a retried run has been running since its retry started
        again = retried.get(run.execution_id)
        run.running_since = again if again and run.started_at and again > run.started_at else None
        run.running_since = run.running_since or run.started_at
    long = [
        r
        for r in running
        if engine.running_long(r.running_since, tracked[r.workflow_id].median_seconds, now)
    ]
    return tracked, open_episodes, paused, missed, long


def front_page(account: CivisAccount, client: CivisClient) -> FrontPage:
    now = timezone.now()
    ids = watching.watched_ids(account)
    tracked, open_episodes, paused, missed, long = _rows(ids, now)
    shown = {e.workflow_id for e in open_episodes} | {r.workflow_id for r in paused + long}
    shown |= {t.workflow_id for t in missed}
    checked = sorted(shown)[:MAX_CHECKED]
    owned_listed_at = _owned_listed_at(account)
    owned = _stale(owned_listed_at, now)
    # The viewer's reads fly while the rest of the page is read from the database.
    asking = _POOL.submit(contextvars.copy_context().run, _ask, client, account, checked, owned)
    stored = dict(
        Watch.objects.filter(account=account, workflow_id__in=shown).values_list(
            "workflow_id", "level"
        )
    )
    results = asking.result()
    levels = _levels(account, checked, results, owned, stored, now)
    listed = () if not owned or isinstance(results[-1], Exception) else tuple(results[-1])
    before = set(ids)
    ids = watching.watched_ids(account)  # their own, watched just now, included
    page = FrontPage(watching=len(ids))
    page.owned_unknown = owned and owned_listed_at is None and not listed
    read, page.unread = _first_reads(account, client, ids, listed, now)
    if read or set(ids) != before:  # the lists as they stand after this view's reads
        tracked, open_episodes, paused, missed, long = _rows(ids, now)
        shown = {e.workflow_id for e in open_episodes} | {r.workflow_id for r in paused + long}
        stored = dict(
            Watch.objects.filter(account=account, workflow_id__in=shown).values_list(
                "workflow_id", "level"
            )
        )
    page.names = {w: t.name for w, t in tracked.items() if t.name}
    for watch in Watch.objects.filter(account=account, workflow_id__in=ids):
        page.names.setdefault(watch.workflow_id, watch.workflow_name)
    page.recent = list(
        TrackedRun.objects.filter(workflow_id__in=ids, state__in=engine.FINISHED)
        .exclude(finished_at__isnull=True)
        .order_by("-finished_at")[:RECENT]
    )

    def can_open(workflow_id: int) -> bool:
        return levels.get(workflow_id) != ""

    def can_resume(workflow_id: int) -> bool:
        level = levels.get(workflow_id)
        return at_least(level if level is not None else stored.get(workflow_id), "write")

    for episode in sorted(open_episodes, key=lambda e: e.opened_at, reverse=True):
        if not can_open(episode.workflow_id):
            continue
        if episode.acknowledged:
            page.acknowledged.append(episode)
        else:
            page.episodes.append(EpisodeItem(episode, episodes.error_in_words(episode.error)))
    page.waiting = [r for r in paused if can_resume(r.workflow_id)]
    page.did_not_start = [t for t in missed if can_open(t.workflow_id)]
    page.running_long = [r for r in long if can_open(r.workflow_id)]
    return page
