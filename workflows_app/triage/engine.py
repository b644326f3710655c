"""The refresh engine: each workflow of interest read ONCE per interval, whoever watches it.

Celery beat runs `refresh_due` every `TRIAGE_TICK_SECONDS`. It:

1. keeps one `TrackedWorkflow` row per workflow somebody watches (their own by default) and
   drops rows nobody watches any more;
2. claims the rows that are due (`next_read_at` passed) with a conditional update, so two
   ticks (or two workers) never read the same workflow twice in one interval;
3. picks for each one reader among its watchers who are signed in now (their `SessionKey` row
   of a live session: a key is never put in a Celery message), keeping the previous reader
   while they stay signed in;
4. reads, concurrently: the workflow's latest runs (one call), and the workflow itself when its
   name/schedule are older than `META_SECONDS` or a due time has just passed;
5. compares with the runs it read before (`TrackedRun`) and turns changes into episodes and
   notices (only to people the platform still lets open it, see `access`), feeds the run
   index of its watchers and the workflow list's paused verdict, and sets the next read:
   `TRIAGE_RUNNING_REFRESH_SECONDS` while a run is in progress, `TRIAGE_REFRESH_SECONDS`
   otherwise.

A reader the platform refuses (403/404) has their watch marked and the workflow is read again
at the next tick as someone else. Nobody signed in who watches it: it waits, costing nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.civis.concurrency import gather
from workflows_app.civis.types import TERMINAL_EXECUTION_STATES
from workflows_app.models import TrackedRun, TrackedWorkflow, Watch
from workflows_app.notifications.inbox import notify
from workflows_app.runs import index as run_index
from workflows_app.runs import retries
from workflows_app.runs.live_status import client_for_session_key
from workflows_app.triage import access, episodes
from workflows_app.triage import watch as watching
from workflows_app.words.states import execution_state
from workflows_app.words.times import duration_words
from workflows_app.words.triage import failed_in_a_row
from workflows_app.workflows.listing import forget_paused, remember_paused

logger = logging.getLogger(__name__)

RECENT_RUNS = 20  # one call: the latest runs, enough for the median of the recent history
META_SECONDS = 600
LEASE_SECONDS = 120  # a claimed read that never finished (worker killed) is due again after
MAX_READS_PER_TICK = 400
FINISHED = tuple(sorted(TERMINAL_EXECUTION_STATES))
IN_PROGRESS = ("running", "queued")
LONG_FACTOR = 3
LONG_MARGIN = dt.timedelta(minutes=10)
_REFUSED = (errors.NotFound, errors.Forbidden)


def interval(running: bool) -> float:
    if running:
        return float(settings.TRIAGE_RUNNING_REFRESH_SECONDS)
    return float(settings.TRIAGE_REFRESH_SECONDS)


def late_grace() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TRIAGE_LATE_GRACE_SECONDS)


@dataclass
class Reading:
    tracked: TrackedWorkflow
    reader_id: int
    client: CivisClient
    meta: Any = None
    runs: tuple = ()
    error: Exception | None = None
    clients: dict[int, CivisClient | None] = field(default_factory=dict)
    read_at: float = 0.0  # time.time() as the read began


def sync_tracked() -> None:
    """One TrackedWorkflow per workflow of interest; none for workflows nobody watches."""
    wanted = set(watching.workflows_of_interest())
    have = set(TrackedWorkflow.objects.values_list("workflow_id", flat=True))
    TrackedWorkflow.objects.bulk_create(
        [TrackedWorkflow(workflow_id=w) for w in wanted - have], ignore_conflicts=True
    )
    if have - wanted:
        TrackedWorkflow.objects.filter(workflow_id__in=have - wanted).delete()


def _claim(now: dt.datetime, only: list[int] | None = None) -> list[TrackedWorkflow]:
    due = TrackedWorkflow.objects.filter(Q(next_read_at__isnull=True) | Q(next_read_at__lte=now))
    if only is not None:
        due = due.filter(workflow_id__in=only)
    claimed = []
    for tracked in due.order_by(F("next_read_at").asc(nulls_first=True))[:MAX_READS_PER_TICK]:
        lease = now + dt.timedelta(seconds=LEASE_SECONDS)
        if TrackedWorkflow.objects.filter(pk=tracked.pk, next_read_at=tracked.next_read_at).update(
            next_read_at=lease
        ):
            claimed.append(tracked)
    return claimed


def _readers(tracked: TrackedWorkflow, live: dict[int, int]) -> list[int]:
    """Accounts that may read this workflow for everyone, signed in now; previous one first."""
    candidates = [
        account_id
        for account_id in Watch.objects.filter(
            workflow_id=tracked.workflow_id, access_lost_at__isnull=True
        ).values_list("account_id", flat=True)
        if account_id in live
    ]
    candidates.sort(key=lambda a: (a != tracked.reader_id, a))
    return candidates


def _needs_meta(tracked: TrackedWorkflow, now: dt.datetime) -> bool:
    if tracked.meta_read_at is None or now - tracked.meta_read_at > dt.timedelta(
        seconds=META_SECONDS
    ):
        return True
    due = tracked.next_execution_at
    return (
        due is not None and due + late_grace() < now and tracked.meta_read_at < due + late_grace()
    )


def _read(reading: Reading, now: dt.datetime) -> Reading:
    """The upstream calls of one workflow (HTTP only: runs in a gather thread)."""
    workflow_id = reading.tracked.workflow_id
    reading.read_at = time.time()
    try:
        if reading.meta is None and _needs_meta(reading.tracked, now):
            reading.meta = reading.client.get_workflow(workflow_id)
        reading.runs = reading.client.list_executions(
            workflow_id, limit=RECENT_RUNS, order="id", order_dir="desc"
        ).items
    except errors.CivisError as exc:
        reading.error = exc
    return reading


def refresh_due(now: dt.datetime | None = None) -> int:
    """One beat: read every due workflow once; returns how many were read."""
    now = now or timezone.now()
    sync_tracked()
    claimed = _claim(now)
    if not claimed:
        return 0
    live = run_index.active_session_keys()
    clients: dict[int, CivisClient | None] = {}

    def client_of(account_id: int) -> CivisClient | None:
        if account_id not in clients:
            session_key_id = live.get(account_id)
            clients[account_id] = client_for_session_key(session_key_id) if session_key_id else None
        return clients[account_id]

    readings: list[Reading] = []
    for tracked in claimed:
        reader = next(
            ((a, c) for a in _readers(tracked, live) if (c := client_of(a)) is not None), None
        )
        if reader is None:  # nobody signed in watches it: look again later, costing nothing
            _set_next(tracked, now, tracked.running)
            continue
        readings.append(Reading(tracked, reader[0], reader[1]))
    done = gather(*(lambda r=r: _read(r, now) for r in readings)) if readings else ()
    for reading in done:
        reading.clients = clients
        _record(reading, now, client_of)
    return len(done)


def read_first(
    account_id: int,
    client: CivisClient,
    workflow_ids: list[int],
    listed: dict[int, Any],
    now: dt.datetime | None = None,
) -> int:
    """The first read of workflows a page is about to show, made for that page as its viewer
    (the front page, right after their own workflows were first watched: a tick would read
    them seconds later, after the page said nothing about them). The same read and record as
    a tick's (the latest runs, one call each, concurrently; the workflow itself only when the
    viewer's list of it, `listed`, is not at hand), on rows claimed as a tick claims them, so a
    tick at the same moment skips them and reads them next an interval later. A first read is
    silent about runs (as a tick's); what else it finds (a schedule that did not start) is on
    the page the viewer is looking at, so no notice is sent from their request (the access
    checks for other watchers would cost calls there). Returns how many were read."""
    now = now or timezone.now()
    claimed = _claim(now, only=workflow_ids)
    if not claimed:
        return 0
    readings = [Reading(t, account_id, client, meta=listed.get(t.workflow_id)) for t in claimed]
    done = gather(*(lambda r=r: _read(r, now) for r in readings))
    clients: dict[int, CivisClient | None] = {account_id: client}
    for reading in done:
        reading.clients = clients
        _record(reading, now, clients.get, tell=False)
    return len(done)


def _set_next(tracked: TrackedWorkflow, now: dt.datetime, running: bool) -> None:
    """The next read, an interval after this one ENDED (so two reads of one workflow never
    start less than an interval apart, however long a read took)."""
    now = max(now, timezone.now())
    wait = dt.timedelta(seconds=interval(running))
    due = tracked.next_execution_at
    if due is not None and due + late_grace() > now:  # look just after a due time passed
        wait = min(wait, due + late_grace() - now + dt.timedelta(seconds=1))
    tracked.next_read_at = now + wait
    TrackedWorkflow.objects.filter(pk=tracked.pk).update(next_read_at=tracked.next_read_at)


def _record(reading: Reading, now: dt.datetime, client_of, tell: bool = True) -> None:
    tracked = reading.tracked
    if isinstance(reading.error, _REFUSED):
        Watch.objects.filter(workflow_id=tracked.workflow_id, account_id=reading.reader_id).update(
            access_lost_at=now, access_checked_at=now
        )
        TrackedWorkflow.objects.filter(pk=tracked.pk).update(next_read_at=now, reader=None)
        return
    if reading.error is not None:
        logger.info("triage read of %s failed: %s", tracked.workflow_id, type(reading.error))
        _set_next(tracked, now, tracked.running)
        return
    first_read = tracked.read_at is None
    if reading.meta is not None:
        _take_meta(tracked, reading.meta, now)
    TrackedWorkflow.objects.filter(pk=tracked.pk).update(reads=F("reads") + 1)
    events, changed = _compare(tracked, reading.runs, now, silent=first_read)
    tracked.read_at = now
    tracked.reader_id = reading.reader_id
    tracked.running = any(
        execution_state(r.state, r.mistral_state) in IN_PROGRESS for r in reading.runs
    )
    tracked.median_seconds = _median(reading.runs)
    events += _late(tracked, reading.runs, now, reading.client)
    fields = ("read_at", "reader_id", "running", "median_seconds", "missed_at", "name",
              "owner_civis_id", "scheduled", "next_execution_at", "meta_read_at")  # fmt: skip
    if not TrackedWorkflow.objects.filter(pk=tracked.pk).update(
        **{name: getattr(tracked, name) for name in fields}
    ):
        logger.warning(
            "triage: tracked workflow %s gone while read (%s rows, %s watches)",
            tracked.workflow_id,
            TrackedWorkflow.objects.count(),
            Watch.objects.filter(workflow_id=tracked.workflow_id).count(),
        )
        return  # nobody watches it any more
    _set_next(tracked, now, tracked.running)
    if events and tell:
        _tell(tracked, reading, events, client_of)
    _feed_index(tracked, reading.runs, changed=changed)
    _feed_list(reading)


def _feed_list(reading: Reading) -> None:
    """The workflow list's paused-or-running verdict rides on this read too (the list would
    otherwise ask each running workflow on its page for its newest runs)."""
    endpoint, workflow_id = reading.client.endpoint, reading.tracked.workflow_id
    if any(execution_state(r.state, r.mistral_state) not in FINISHED for r in reading.runs):
        remember_paused(endpoint, workflow_id, "running", reading.runs, read_at=reading.read_at)
    else:
        forget_paused(endpoint, workflow_id, acted=False)


def _take_meta(tracked: TrackedWorkflow, meta: Any, now: dt.datetime) -> None:
    tracked.name = (meta.name or "")[:255]
    tracked.owner_civis_id = meta.owner.id if meta.owner else None
    tracked.scheduled = bool(meta.schedule.scheduled) and not meta.archived
    if tracked.next_execution_at != meta.next_execution_at:
        tracked.next_execution_at = meta.next_execution_at
    tracked.meta_read_at = now
    Watch.objects.filter(workflow_id=tracked.workflow_id).exclude(
        workflow_name=tracked.name
    ).update(workflow_name=tracked.name)


@dataclass
class Event:
    reason: str
    text: str
    link: str
    execution_id: int | None = None
    episode: Any = None


def _run_link(workflow_id: int, execution_id: int) -> str:
    return reverse("runs:execution", args=[workflow_id, execution_id])


def _compare(
    tracked: TrackedWorkflow, runs: tuple, now: dt.datetime, silent: bool
) -> tuple[list[Event], bool]:
    """Store the runs read and say what changed since the last read (oldest first), and
    whether any run is new or changed."""
    known = {
        r.execution_id: r
        for r in TrackedRun.objects.filter(execution_id__in=[run.id for run in runs])
    }
    events: list[Event] = []
    any_changed = False
    name = tracked.name or f"Workflow {tracked.workflow_id}"
    for run in sorted(runs, key=lambda r: r.id):
        state = execution_state(run.state, run.mistral_state) or ""
        row = known.get(run.id) or TrackedRun(workflow_id=tracked.workflow_id, execution_id=run.id)
        changed = row.pk is None or row.state != state or row.finished_at != run.finished_at
        if row.pk is not None and row.state != state:
            # Retried or resumed: the same run may fail, pause or run long again.
            row.told_finish = False
            row.told_paused = row.told_paused and state == "paused"
            row.told_long = row.told_long and state == "running"
        row.state = state[:40]
        row.error = (run.mistral_state_info or "")[:5000]
        row.ran_by = ((run.user.name if run.user else "") or "")[:255]
        row.created_at = run.created_at or run.started_at
        row.started_at, row.finished_at = run.started_at, run.finished_at
        link = _run_link(tracked.workflow_id, run.id)
        if state in FINISHED and not row.told_finish:
            row.told_finish = True
            events += _finished(tracked, name, run, state, link, silent)
        if state == "paused" and not row.told_paused:
            row.told_paused = True
            if not silent:
                events.append(
                    Event("waiting", f"{name}: a run is waiting for someone to resume it.",
                          link, run.id)
                )  # fmt: skip
        if changed:
            any_changed = True
            row.save()
    return events, any_changed


def _finished(tracked, name: str, run, state: str, link: str, silent: bool) -> list[Event]:
    at = run.finished_at or timezone.now()
    if state == "failed":
        episode, opened = episodes.record_failure(
            tracked.workflow_id, name, run.id, run.mistral_state_info, at
        )
        if opened and not silent:
            words = episodes.error_in_words(run.mistral_state_info)
            return [Event("failed", f"{name} failed: {words}", link, run.id, episode)]
        return []
    if state == "succeeded":
        closed = episodes.record_success(tracked.workflow_id, run.id, at)
        if closed is not None and not silent:
            when = timezone.localtime(at).strftime("%d %b %Y %H:%M")
            text = f"{name} recovered at {when}, after {failed_in_a_row(closed.failed_runs)}."
            return [Event("recovered", text, link, run.id, closed)]
    if silent:
        return []
    return [Event("finished", f"{name}: a run ended ({state}).", link, run.id)]


def _durations(runs: tuple) -> list[float]:
    return [
        (r.finished_at - r.started_at).total_seconds()
        for r in runs
        if r.state == "succeeded" and r.started_at and r.finished_at
    ]


def _median(runs: tuple) -> float | None:
    durations = _durations(runs)
    return statistics.median(durations) if len(durations) >= 3 else None


def running_long(
    started_at, median_seconds: float | None, now: dt.datetime, retried_at=None
) -> bool:
    """Much longer than its own recent history: over 3x the median and 10 minutes over,
    counted from its retry's start when it was retried after it first started (a run failed
    at dawn and retried after lunch has been running since lunch)."""
    if started_at is not None and retried_at is not None and retried_at > started_at:
        started_at = retried_at
    if started_at is None or median_seconds is None:
        return False
    elapsed = now - started_at
    usual = dt.timedelta(seconds=median_seconds)
    return elapsed > LONG_FACTOR * usual and elapsed - usual >= LONG_MARGIN


def _late(
    tracked: TrackedWorkflow, runs: tuple, now: dt.datetime, client: CivisClient | None = None
) -> list[Event]:
    """Schedules that did not start, and runs running much longer than usual, timed from
    their retry's start when retried: remembered when retried through the console (or seen
    on the run's page), else read from the run's tasks (`retries`). That read, one call, is
    made only for a run about to be told about, so a run is read at most once (a retry it
    finds is remembered; none found, the notice is sent and never again)."""
    events: list[Event] = []
    name = tracked.name or f"Workflow {tracked.workflow_id}"
    due = tracked.next_execution_at
    if tracked.missed_at and (
        not tracked.scheduled
        or any((r.created_at or r.started_at or now) >= tracked.missed_at for r in runs)
    ):
        tracked.missed_at = None  # it ran since, or nobody expects it to any more
    if (
        tracked.scheduled
        and due is not None
        and due + late_grace() < now
        and tracked.missed_at != due
        and not any((r.created_at or r.started_at or now) >= due for r in runs)
    ):
        tracked.missed_at = due
        when = timezone.localtime(due).strftime("%d %b %Y %H:%M")
        link = reverse("workflows:detail", args=[tracked.workflow_id])
        events.append(Event("did_not_start", f"{name} was due at {when} and did not start.", link))
    running = [r for r in runs if execution_state(r.state, r.mistral_state) == "running"]
    retried = retries.remembered(r.id for r in running) if running else {}
    for run in running:
        retried_at = retried.get(run.id)
        if not running_long(run.started_at, tracked.median_seconds, now, retried_at):
            continue
        if retried_at is None and client is not None:
            if not TrackedRun.objects.filter(execution_id=run.id, told_long=False).exists():
                continue  # told already
            try:  # retried elsewhere? Only its tasks' runs say
                execution = client.get_executions(tracked.workflow_id, run.id)
            except errors.CivisError:
                continue  # asked again at the next read
            retried_at = retries.last_attempt_start(execution)
            if not running_long(run.started_at, tracked.median_seconds, now, retried_at):
                continue
        updated = TrackedRun.objects.filter(execution_id=run.id, told_long=False).update(
            told_long=True
        )
        if updated:
            usual = duration_words(dt.timedelta(seconds=tracked.median_seconds or 0))
            events.append(
                Event("running_long", f"{name} has been running far longer than its usual "
                      f"{usual}.", _run_link(tracked.workflow_id, run.id), run.id)
            )  # fmt: skip
    return events


def _tell(tracked: TrackedWorkflow, reading: Reading, events: list[Event], client_of) -> None:
    """Notices for the watchers who want them and may still open the workflow."""

    def own_client(watch: Watch) -> CivisClient | None:
        return client_of(watch.account_id)

    allowed_ids: set[int] | None = None
    for event in events:
        wanting = watching.watchers(tracked.workflow_id, event.reason)
        if not wanting:
            continue
        if allowed_ids is None:  # one access check per read that has news
            everyone = watching.watchers(tracked.workflow_id, "any")
            allowed_ids = {
                w.pk
                for w in access.allowed(
                    tracked.workflow_id, tracked.owner_civis_id, everyone, reading.client,
                    own_client,
                )
            }  # fmt: skip
        users = [w.account.user for w in wanting if w.pk in allowed_ids]
        if users:
            notify(
                users,
                event.reason,
                event.text,
                event.link,
                workflow_id=tracked.workflow_id,
                execution_id=event.execution_id,
                episode=event.episode,
            )


def _feed_index(tracked: TrackedWorkflow, runs: tuple, changed: bool) -> None:
    """The run index (/executions/) of each watcher rides on this read: no call of its own."""
    if not runs or not changed:
        return
    workflow = SimpleNamespace(id=tracked.workflow_id, name=tracked.name)
    for watch in Watch.objects.filter(
        workflow_id=tracked.workflow_id, access_lost_at__isnull=True
    ).select_related("account"):
        run_index.index_executions(watch.account, workflow, runs)
