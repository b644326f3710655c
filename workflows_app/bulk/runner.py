"""Working the items of a bulk job: claim, act, record; finish once; recover from dead workers.

A runner works one job for one *slice* (a minute at most, well inside Celery's time limits).
Its own thread claims pending items in small batches with a conditional UPDATE
(`... WHERE state = 'pending'`): only the rows that UPDATE changed are its own, so two runners
of the same job never work the same item. `job.concurrency` call threads talk to the platform;
the runner's thread writes each outcome as it comes back, again conditionally
(`WHERE state = 'running' AND claimed_by = <claim>`), so an item the sweeper handed to someone
else is recorded once. When pending items remain after the slice, the task runs again; when
none are left, the job is finished by whoever gets there first.

One chain of slices per job: the job row names its chain (`chain`, a token), every slice
carries the token and exits when it is no longer the job's, and every slice says it is alive
(`heartbeat_at`) when it starts, about once a second while it works, and when it schedules
the next slice. Its items in flight get a fresh `claimed_at` with each beat.

`sweep` is the safety net (Celery beat, every few seconds): items claimed by a runner that
stopped beating (no beat for `SILENT_AFTER`) go back to pending, and a job with work left whose
chain is silent (not waiting out a Retry-After) gets a new chain token and a new first slice;
the old chain, if it was only slow, ends at its next step. Nothing is lost (every item ends
done, failed or skipped) and nothing is stuck.

Transient failures (no answer, 5xx) are retried with a growing wait per item (`not_before`),
and reported only after `GIVE_UP_AFTER` of trying. When the platform does not answer at all,
the whole job pauses (written on the job row, so the page says so) and carries on by itself,
one call at a time first, as soon as a call is answered.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from workflows_app.bulk import notify
from workflows_app.bulk.kinds import ACTIONS, Work
from workflows_app.bulk.pace import Pace
from workflows_app.civis import (
    CivisClient,
    CivisError,
    OutcomeUnknown,
    RateLimited,
    RetryPolicy,
    Unavailable,
)
from workflows_app.core import caching, crypto
from workflows_app.models.bulk import BulkDraft, BulkItem, BulkJob
from workflows_app.words import bulk as bulk_words

logger = logging.getLogger(__name__)

Item = BulkItem.State
# Transient failures (5xx, timeouts, no answer) are retried, with these waits in seconds
# (the last one repeating), until the item has been tried for GIVE_UP_AFTER; then reported.
RETRY_WAITS = (1.0, 2.0, 4.0, 8.0, 15.0)
GIVE_UP_AFTER = timedelta(minutes=10)
# The whole job waits this long (growing while nothing answers, at most the last) when the
# platform does not answer at all.
OUTAGE_WAITS = (1.0, 2.0, 3.0, 5.0)
# A runner that has not said it is alive for this long is taken for dead: its items go back to
# pending and its job gets a new chain (the sweep runs every 10 s; see CELERY_BEAT_SCHEDULE).
SILENT_AFTER = timedelta(seconds=20)
# Answers that say the platform did nothing: a retry needs no look at what the last try did.
NOTHING_DONE = frozenset({429, 503})
SLICE_SECONDS = 60.0
# How long what a job learned of the platform's request window is kept for its next slices.
WINDOW_MEMORY = 24 * 3600
# The longest countdown for a job's next slice, whatever Retry-After says: well below the
# broker's visibility timeout (3600 s), after which Redis would deliver the message again.
MAX_NEXT_SLICE_WAIT = 300.0
# A wizard left unfinished this long is forgotten (it holds no key, only the listing).
DRAFT_LIFETIME = timedelta(days=1)
# Calls go out once each: retries are the runner's (the item goes back to pending), so that a
# 429 pauses the whole job instead of one thread, and every attempt is counted on the item.
ONE_SHOT = RetryPolicy("bulk", max_retries=0, max_wait=0.0, backoff=0.0)


def claim_timeout() -> timedelta:
    """How long a runner may stay silent before the sweeper takes its items and its job."""
    return timedelta(
        seconds=getattr(settings, "BULK_CLAIM_TIMEOUT_SECONDS", SILENT_AFTER.total_seconds())
    )


@dataclass(frozen=True)
class SliceResult:
    """How a slice ended: `again_in` seconds until the job's next slice, or None when the
    job needs no more slices (finished, cancelled, or left to another runner)."""

    worked: int
    again_in: float | None


def new_chain() -> str:
    return uuid.uuid4().hex


def adopt_chain(job_id: int) -> str | None:
    """Name a chain for a job that has none yet (started with `enqueue=False`, then sent to
    Celery by its caller); None when the job already has one, so a second message cannot
    start a second chain."""
    token = new_chain()
    return token if BulkJob.objects.filter(id=job_id, chain="").update(chain=token) else None


def beat(job_id: int, chain: str | None, *, ahead: float = 0.0) -> bool:
    """Say the job's runner is alive (`ahead`: and will be for that many seconds more, as a
    next slice scheduled with a countdown will); False when the job stopped running or
    `chain` is no longer its chain (None: a direct call, e.g. a test's, under no chain)."""
    alive = BulkJob.objects.filter(id=job_id, state=BulkJob.State.RUNNING)
    if chain is not None:
        alive = alive.filter(chain=chain)
    at = timezone.now() + timedelta(seconds=ahead)
    return alive.update(heartbeat_at=at) == 1


def run_slice(
    job_id: int, *, chain: str | None = None, seconds: float = SLICE_SECONDS
) -> SliceResult:
    """Work the job's pending items for up to `seconds`; finish the job if nothing is left.
    A slice of a chain that is not the job's own (replaced by the sweeper) does nothing."""
    job = BulkJob.objects.filter(id=job_id).first()
    if job is None or not beat(job_id, chain):
        return SliceResult(0, None)
    key = crypto.decrypt(job.encrypted_key) if job.encrypted_key else None
    if key is None:
        _fail_pending(job, "The console no longer holds a key to act with. Retry the job.")
        finish_if_settled(job.id)
        return SliceResult(0, None)
    BulkJob.objects.filter(id=job.id, started_at__isnull=True).update(started_at=timezone.now())

    def remember_pause(seconds: float) -> None:
        until = timezone.now() + timedelta(seconds=seconds)
        BulkJob.objects.filter(id=job.id).update(paused_until=until, pause_reason=pace.reason)

    pace = Pace(job.concurrency, on_pause=remember_pause)
    # When the platform's window renews, as far as the job's earlier slices found out (the
    # cache is only a cache here: without it, this slice finds out again).
    learned = caching.get(_window_key(job.id))
    if learned:
        pace.window.knowing(tuple(learned))
    if job.paused_until and job.paused_until > timezone.now():
        pace.pause((job.paused_until - timezone.now()).total_seconds(), job.pause_reason)
    client = CivisClient(
        key,
        endpoint=job.parameters.get("endpoint") or None,
        profile=ONE_SHOT,
        actor_id=job.actor_civis_id,
        on_rate_limit=pace.observe,
    )
    slice_ = _Slice(job, client, pace, chain, deadline=time.monotonic() + seconds)
    try:
        worked = slice_.run()
    except SoftTimeLimitExceeded:
        # Past Celery's soft time limit: the slice started nothing more, recorded what it had
        # in flight and handed the rest back (`_Slice.run`); the chain carries on at once.
        logger.warning("bulk job %s: slice stopped at the soft time limit", job.id)
        worked = slice_.worked
    if pace.window.longer_than:
        caching.set(_window_key(job.id), pace.window.learned(), WINDOW_MEMORY)
    return SliceResult(worked, _next_step(job.id, chain, pace))


def _window_key(job_id: int) -> str:
    return f"bulk:window:{job_id}"


def _next_step(job_id: int, chain: str | None, pace: Pace) -> float | None:
    counts = state_counts(job_id)
    if BulkJob.objects.filter(id=job_id, state=BulkJob.State.RUNNING).exists():
        if counts.get(Item.PENDING):
            # The beat says a next slice is on its way (alive until its countdown is over);
            # without it, a slice waiting in the queue would look dead to the sweeper. A
            # replaced chain schedules nothing.
            wait = min(max(pace.pause_left(), next_try_in(job_id) or 0.0), MAX_NEXT_SLICE_WAIT)
            return wait if beat(job_id, chain, ahead=wait) else None
        if not counts.get(Item.RUNNING):
            finish_if_settled(job_id)
    return None


@dataclass(frozen=True)
class _Result:
    """What a call thread reports for one item; the slice's own thread writes it."""

    item: BulkItem
    state: str | None  # DONE, FAILED or SKIPPED; None: put the item back for later
    message: str = ""
    status: int | None = None
    undo_attempt: bool = False
    transient: bool = False  # put back after a transient failure: wait before the next try
    problem: str = ""  # done, but something asked for did not happen
    closed: tuple[dict, ...] = ()  # the things a move left closed to the new owner


class _Slice:
    """One slice: this thread claims items in batches and writes every outcome (one writer,
    so the database never makes the call threads queue for its lock); `job.concurrency`
    call threads only talk to the platform."""

    def __init__(
        self, job: BulkJob, client: CivisClient, pace: Pace, chain: str | None, deadline: float
    ) -> None:
        self.job = job
        self.client = client
        self.pace = pace
        self.chain = chain
        self.deadline = deadline
        self.action = ACTIONS[job.kind]
        # Every claim of this slice starts with `me`, so a beat can refresh them all.
        me = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.me = f"{me}:{uuid.uuid4().hex[:6]}"
        self._todo: queue.Queue[BulkItem | None] = queue.Queue()
        self._done: queue.Queue[_Result] = queue.Queue()
        self._beat_at = 0.0
        self._stopping = False  # cancelled, or the chain was replaced: claim nothing more
        self._cancelled = False
        self._outages = 0  # calls in a row that got no answer at all
        self._outage_lock = threading.Lock()
        # Since when the platform has not answered (kept on the job row too, for the slices
        # after this one): the items' time of trying stands still meanwhile.
        self._unreachable_since = job.unreachable_since
        self.worked = 0

    def run(self) -> int:
        width = self.job.concurrency
        threads = [
            threading.Thread(target=self._call_loop, name=f"bulk-{self.job.id}-{n}", daemon=True)
            for n in range(width)
        ]
        for thread in threads:
            thread.start()
        worked = in_flight = 0
        claimed: deque[BulkItem] = deque()
        try:
            while True:
                # Up to one more item per thread waits in the queue, so a thread that
                # finishes a call starts the next at once instead of waiting for this one.
                while in_flight < 2 * width and self._may_start():
                    if not claimed:
                        claimed.extend(claim_batch(self.job.id, self.me, width))
                    if not claimed:
                        break
                    self._todo.put(claimed.popleft())
                    in_flight += 1
                if not in_flight:
                    # Nothing in flight: wait for items that wait out a retry, within the
                    # slice; end it when none are left (or the wait outlives it).
                    wait = next_try_in(self.job.id) if not self._stopping else None
                    if wait is None or time.monotonic() + wait >= self.deadline:
                        break
                    time.sleep(min(max(wait, 0.05), 1.0))
                    self._heartbeat()
                    continue
                try:
                    # Beat while calls wait (a pause, the one-at-a-time gate), not only
                    # when they come back.
                    results = [self._done.get(timeout=1.0)]
                except queue.Empty:
                    self._heartbeat()
                    continue
                while True:
                    try:
                        results.append(self._done.get_nowait())
                    except queue.Empty:
                        break
                in_flight -= len(results)
                worked += self._write(results)
                self.worked = worked
                self._heartbeat()
        except BaseException:
            # Stopped from outside (Celery's soft time limit): start no more calls (items
            # waiting for a thread go back), let the calls in flight finish and record them.
            self._stopping = True
            raise
        finally:
            for item in claimed:  # claimed but never started: back to the queue
                release(item, undo_attempt=True)
            for _ in threads:
                self._todo.put(None)
            for thread in threads:
                thread.join()
            left = []
            while not self._done.empty():
                left.append(self._done.get_nowait())
            if left:  # outcomes that came back after the loop stopped
                self.worked = worked + self._write(left)
        return worked

    def _may_start(self) -> bool:
        left = self.deadline - time.monotonic()
        return not self._stopping and left > 0 and self.pace.pause_left() < left

    def _heartbeat(self) -> None:
        """Say the runner is alive and its items in flight still held (at most once a
        second), and notice a cancel or a replaced chain."""
        now = time.monotonic()
        if now - self._beat_at < 1.0 or self._stopping:
            return
        self._beat_at = now
        if beat(self.job.id, self.chain):
            BulkItem.objects.filter(
                job_id=self.job.id, state=Item.RUNNING, claimed_by__startswith=f"{self.me}:"
            ).update(claimed_at=timezone.now())
            return
        self._stopping = True
        self._cancelled = not BulkJob.objects.filter(
            id=self.job.id, state=BulkJob.State.RUNNING
        ).exists()

    def _write(self, results: list[_Result]) -> int:
        worked = 0
        with transaction.atomic():
            for result in results:
                if result.state is None:
                    release(
                        result.item,
                        undo_attempt=result.undo_attempt,
                        status=result.status,
                        transient=result.transient,
                        message=result.message,
                    )
                elif record(
                    result.item,
                    result.state,
                    result.message,
                    result.status,
                    result.problem,
                    closed=result.closed,
                ):
                    worked += result.state == Item.DONE
        return worked

    def _call_loop(self) -> None:
        try:
            while (item := self._todo.get()) is not None:
                self._done.put(self._call(item))
        finally:
            connection.close()  # the audit hook may have opened one in this thread

    def _remember_names(self, item: BulkItem, params) -> None:
        """The names the job already knows, so the audit log says them."""
        self.client.remember_names("workflow", {item.workflow_id: item.workflow_name})
        if params.get("user_id") and params.get("user_name"):
            self.client.remember_names("user", {int(params["user_id"]): params["user_name"]})
        if params.get("grantee_id") and params.get("grantee_name"):
            kind = "group" if params.get("grantee_type") == "group" else "user"
            self.client.remember_names(kind, {int(params["grantee_id"]): params["grantee_name"]})

    def _call(self, item: BulkItem) -> _Result:
        if self._cancelled:
            return _Result(item, Item.SKIPPED, CANCELLED_WORDS)
        if self._stopping:  # another chain works the job now: leave the item to it
            return _Result(item, None, undo_attempt=True)
        work = Work(
            workflow_id=item.workflow_id,
            known_owner_id=item.known_owner_id,
            params={**self.job.parameters, **item.params},
            # An earlier try may have changed something unless its answer said otherwise.
            retried=item.attempts > 1 and item.upstream_status not in NOTHING_DONE,
        )
        self._remember_names(item, work.params)
        with self.pace.call(self.deadline) as may_call:
            if not may_call:
                return _Result(item, None, undo_attempt=True)
            try:
                action = ACTIONS.get(work.params.get("item_kind") or "", self.action)
                outcome = action(self.client, work)
            except RateLimited as exc:
                self.pace.pause(exc.retry_after or 1.0)
                return _Result(item, None, status=429, undo_attempt=True)
            except Unavailable as exc:
                if exc.status is None and not isinstance(exc, OutcomeUnknown):
                    self._no_answer()
                if not gave_up(item, self._unreachable_since):
                    return _Result(item, None, TRYING_AGAIN_WORDS, exc.status, transient=True)
                return _Result(item, Item.FAILED, _failure_words(exc, work), exc.status)
            except CivisError as exc:
                return _Result(item, Item.FAILED, _failure_words(exc, work), exc.status)
            except Exception:  # a bug must not leave the item claimed forever
                logger.exception("bulk job %s: item %s", self.job.id, item.workflow_id)
                return _Result(item, Item.FAILED, "Not changed: the console hit an error.")
        self._answered()
        return _Result(
            item,
            Item.DONE,
            outcome.message,
            outcome.upstream_status,
            problem=outcome.problem,
            closed=outcome.closed,
        )

    def _no_answer(self) -> None:
        """The platform did not answer at all: pause the whole job, longer while it goes on,
        and stop the items' clocks of trying until it answers."""
        with self._outage_lock:
            wait = OUTAGE_WAITS[min(self._outages, len(OUTAGE_WAITS) - 1)]
            self._outages += 1
            if self._unreachable_since is None:
                self._unreachable_since = outage_began(self.job.id)
        if self.pace.pause_left() <= 0:
            self.pace.pause(wait, "unreachable")

    def _answered(self) -> None:
        with self._outage_lock:
            self._outages = 0
            since, self._unreachable_since = self._unreachable_since, None
        if since is not None:
            outage_ended(self.job.id, since)
        self.pace.answered()


def outage_began(job_id: int) -> datetime:
    """Note on the job that its platform stopped answering (unless a runner already has);
    returns since when."""
    now = timezone.now()
    BulkJob.objects.filter(id=job_id, unreachable_since__isnull=True).update(unreachable_since=now)
    since = BulkJob.objects.filter(id=job_id).values_list("unreachable_since", flat=True).first()
    return since or now


def outage_ended(job_id: int, since: datetime) -> None:
    """The platform answers again: the outage leaves the items' time of trying (each one's
    `trying_since` moves on by its length; one that began trying during it, to now)."""
    now = timezone.now()
    with transaction.atomic():
        ended = BulkJob.objects.filter(id=job_id, unreachable_since=since)
        if not ended.update(unreachable_since=None):
            return  # another runner of the job has ended it already
        trying = BulkItem.objects.filter(
            job_id=job_id, state__in=[Item.PENDING, Item.RUNNING], trying_since__isnull=False
        )
        # This order: the second would move again what the first has just moved.
        trying.filter(trying_since__gte=since).update(trying_since=now)
        trying.filter(trying_since__lt=since).update(trying_since=F("trying_since") + (now - since))


def gave_up(item: BulkItem, unreachable_since: datetime | None = None) -> bool:
    """True when the item has been tried for GIVE_UP_AFTER since its first transient failure,
    not counting the time since the platform stopped answering (`unreachable_since`)."""
    # Read again: the end of an outage moves it on for items already claimed.
    since = BulkItem.objects.filter(id=item.id).values_list("trying_since", flat=True).first()
    if since is None:
        return False
    until = timezone.now() if unreachable_since is None else unreachable_since
    return until - since >= GIVE_UP_AFTER


def retry_wait(attempts: int) -> float:
    return RETRY_WAITS[min(max(attempts, 1), len(RETRY_WAITS)) - 1]


def next_try_in(job_id: int) -> float | None:
    """Seconds until one of the job's pending items may be claimed (0: now); None when none
    is pending."""
    pending = BulkItem.objects.filter(job_id=job_id, state=Item.PENDING)
    if pending.filter(Q(not_before__isnull=True) | Q(not_before__lte=timezone.now())).exists():
        return 0.0
    soonest = pending.order_by("not_before").values_list("not_before", flat=True).first()
    if soonest is None:
        return None
    return max(0.0, (soonest - timezone.now()).total_seconds())


def claim_batch(job_id: int, me: str, size: int) -> list[BulkItem]:
    """Take up to `size` pending items of the job for `me` with one conditional UPDATE
    (`... WHERE state = 'pending'`); only the rows it changed are ours, named by a token.

    Candidates are the first pending items, fewest attempts first, so items that failed
    transiently wait behind fresh ones."""
    while True:
        due = Q(not_before__isnull=True) | Q(not_before__lte=timezone.now())
        candidates = list(
            BulkItem.objects.filter(due, job_id=job_id, state=Item.PENDING)
            .order_by("attempts", "id")
            .values_list("id", flat=True)[:size]
        )
        if not candidates:
            return []
        token = f"{me}:{uuid.uuid4().hex[:8]}"
        taken = BulkItem.objects.filter(id__in=candidates, state=Item.PENDING).update(
            state=Item.RUNNING,
            attempts=F("attempts") + 1,
            claimed_at=timezone.now(),
            claimed_by=token,
        )
        if taken:
            return list(BulkItem.objects.filter(claimed_by=token, state=Item.RUNNING))


def release(
    item: BulkItem,
    *,
    undo_attempt: bool = False,
    status: int | None = None,
    transient: bool = False,
    message: str = "",
) -> None:
    """Put a claimed item back for a later attempt (`undo_attempt`: nothing was sent;
    `status`: how the platform answered this attempt, None when it did not; `transient`: it
    failed for now, so it waits a growing while and its time of trying starts, if not yet)."""
    changes: dict = {
        "state": Item.PENDING,
        "claimed_at": None,
        "claimed_by": "",
        "upstream_status": status,
    }
    if undo_attempt:
        changes["attempts"] = F("attempts") - 1
    if transient:
        now = timezone.now()
        changes["not_before"] = now + timedelta(seconds=retry_wait(item.attempts))
        changes["trying_since"] = Coalesce(F("trying_since"), Value(now))
        changes["outcome"] = message
    BulkItem.objects.filter(id=item.id, state=Item.RUNNING, claimed_by=item.claimed_by).update(
        **changes
    )


def record(
    item: BulkItem,
    state: str,
    message: str,
    status: int | None,
    problem: str = "",
    *,
    closed: tuple[dict, ...] = (),
) -> bool:
    """Write an item's outcome (`problem`: what asked for did not happen), unless its claim
    was taken away meanwhile (then the new holder records it). True when written. `closed`
    (a move's things left closed to the new owner) is kept in the item's params as
    `left_closed`, where the workflow's page reads it (bulk/left_closed.py)."""
    changes = {"params": {**item.params, "left_closed": list(closed)}} if closed else {}
    written = BulkItem.objects.filter(
        id=item.id, state=Item.RUNNING, claimed_by=item.claimed_by
    ).update(
        state=state,
        outcome=message[:2000],
        problem=problem[:4000],
        upstream_status=status,
        finished_at=timezone.now(),
        **changes,
    )
    return written == 1


def _failure_words(exc: CivisError, work: Work) -> str:
    """Say "Not changed" only when known: not after a change sent without an answer, nor when
    an earlier try may have changed it and the look at the workflow (a GET) is what failed."""
    what = exc.upstream_message or exc.message
    if isinstance(exc, OutcomeUnknown) or (work.retried and exc.method == "GET"):
        return bulk_words.outcome_unknown(what)
    return f"Not changed: {what}"


def _fail_pending(job: BulkJob, message: str) -> None:
    BulkItem.objects.filter(job=job, state=Item.PENDING).update(
        state=Item.FAILED, outcome=message, finished_at=timezone.now()
    )


def problem_count(job_id: int) -> int:
    """The job's done items where something asked for did not happen."""
    return BulkItem.objects.filter(job_id=job_id, state=Item.DONE).exclude(problem="").count()


def state_counts(job_id: int) -> dict[str, int]:
    rows = BulkItem.objects.filter(job_id=job_id).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def finish_if_settled(job_id: int) -> bool:
    """Mark the job finished when no item is pending or running; the one caller that makes
    the change sends the summary. True when this call finished it."""
    counts = state_counts(job_id)
    if counts.get(Item.PENDING) or counts.get(Item.RUNNING):
        return False
    finished = BulkJob.objects.filter(id=job_id, state=BulkJob.State.RUNNING).update(
        state=BulkJob.State.FINISHED,
        finished_at=timezone.now(),
        encrypted_key="",
        paused_until=None,
        pause_reason="",
        **count_fields(counts),
    )
    if finished:
        notify.send_summary(job_id)
    return bool(finished)


def count_fields(counts: dict[str, int]) -> dict[str, int]:
    return {
        "done_count": counts.get(Item.DONE, 0),
        "failed_count": counts.get(Item.FAILED, 0),
        "skipped_count": counts.get(Item.SKIPPED, 0),
    }


def sweep(
    older_than: timedelta | None = None, kick: Callable[[int, str], None] | None = None
) -> int:
    """Re-queue items claimed by runners that stopped beating and restart their jobs (and
    forget wizards abandoned long ago).

    Returns how many jobs were kicked. `kick(job_id, chain)` enqueues the first slice of the
    job's new chain (the task module passes its own), so this stays a plain function a test
    can call."""
    close_old_connections()
    BulkDraft.objects.filter(created_at__lt=timezone.now() - DRAFT_LIFETIME).delete()
    cutoff = timezone.now() - (older_than or claim_timeout())
    BulkItem.objects.filter(
        state=Item.RUNNING, claimed_at__lt=cutoff, job__state=BulkJob.State.RUNNING
    ).update(state=Item.PENDING, claimed_at=None, claimed_by="", upstream_status=None)
    abandoned = Q(state=Item.PENDING) | Q(state=Item.RUNNING, claimed_at__lt=cutoff)
    BulkItem.objects.filter(abandoned, job__state=BulkJob.State.CANCELLED).update(
        state=Item.SKIPPED, outcome=CANCELLED_WORDS, finished_at=timezone.now()
    )
    kicked = 0
    # A job waiting out a Retry-After has its next slice scheduled already: leave it be.
    idle = (
        BulkJob.objects.filter(state=BulkJob.State.RUNNING, created_at__lt=cutoff)
        .exclude(heartbeat_at__gte=cutoff)
        .exclude(paused_until__gt=timezone.now())
    )
    for job in idle:
        counts = state_counts(job.id)
        if counts.get(Item.PENDING):
            if kick is not None and (chain := _replace_chain(job)):
                kick(job.id, chain)
                kicked += 1
        elif not counts.get(Item.RUNNING):
            finish_if_settled(job.id)
    for job_id in BulkJob.objects.filter(
        state__in=[BulkJob.State.FINISHED, BulkJob.State.CANCELLED],
        summary_sent_at__isnull=True,
        finished_at__lt=cutoff,
    ).values_list("id", flat=True):
        notify.send_summary(job_id)
    return kicked


def _replace_chain(job: BulkJob) -> str | None:
    """Give a job whose chain is dead a new one (unless someone else just did). The beat it
    writes gives the new first slice a claim timeout to start before it too looks dead."""
    token = new_chain()
    replaced = BulkJob.objects.filter(
        id=job.id, state=BulkJob.State.RUNNING, chain=job.chain
    ).update(chain=token, heartbeat_at=timezone.now())
    return token if replaced else None


CANCELLED_WORDS = "Not changed: the job was cancelled before this one started."
GIVE_UP_MINUTES = int(GIVE_UP_AFTER.total_seconds() // 60)
TRYING_AGAIN_WORDS = bulk_words.trying_again(GIVE_UP_MINUTES)
