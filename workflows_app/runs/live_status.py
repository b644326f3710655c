"""Live status of executions: one upstream poller per execution, however many people watch.

Browsers refresh an execution's state fragment every few seconds from the shared cache; they
never ask the platform themselves. One Celery task chain per execution keeps that cache fresh:

- **The lock names the poller.** `ensure_poller` acquires redis-py's `Lock` on
  `live:lock:<execution>` (in the cache's Redis, under the cache's key name) without waiting,
  with a fresh token: an atomic `SET NX` with an expiry, so only the caller that wins starts a
  chain and twenty watchers (on any number of web machines) start one. Every step checks that
  the lock still holds its token and stops otherwise, so an action that restarts polling
  (`restart_poller`, after a retry or resume) simply replaces the token and the old chain ends
  at its next step; the lock's own scripts extend and release it only while it holds the
  chain's token.
- **Short steps, never a sleeping task.** A step polls once, writes the snapshot, and
  re-schedules itself with `apply_async(countdown=...)`. The interval grows from 1 s by a
  factor of 1.2 up to 15 s, as the official client's `PollableResult` does.
- **It stops at a terminal state** (succeeded, failed, cancelled) and frees the lock; the page
  then renders the fragment without its trigger, so browsers stop polling too.
- **It acts as a person by reference.** The task gets the primary key of the `SessionKey` row
  of the person whose page started it (plain ids only; never the key in a message) and
  decrypts that key when it runs. If the person signs out the row is gone and the chain stops;
  the next watcher's fragment request starts a new one as themselves.
- **It stops when nobody watches.** Every page view and fragment refresh notes a watcher
  for `WATCH_SECONDS`; a step that finds no watcher ends the chain (a run paused for days is
  not polled for days). The next viewer starts a new one.
- **Waits are capped** at `MAX_WAIT` (5 min), whatever Retry-After says: a countdown longer
  than the broker's visibility timeout (1 h) would make Redis redeliver the step, and two chains
  with the same token would then run side by side forever.
- **It stops with the session.** A step acts only while the Django session of that SessionKey
  row is still alive (not expired by idleness), not merely while the row exists.
- A chain that dies (worker killed) leaves a lock that expires after `LOCK_SECONDS`; watchers'
  fragment requests call `ensure_poller` on every refresh, so polling resumes by itself.
- If no worker runs at all, a snapshot of an unfinished run goes stale; then one fragment
  request per `FALLBACK_SECONDS` (again an atomic add) reads the platform itself, so the page
  still moves, slowly, and the platform is still asked once per interval, not once per viewer.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import LockError
from redis.lock import Lock

from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.civis.types import Execution
from workflows_app.core import crypto
from workflows_app.models import SessionKey

logger = logging.getLogger(__name__)

FIRST_INTERVAL = 1.0
GROWTH = 1.2
MAX_INTERVAL = 15.0
MAX_WAIT = 300.0  # well under the broker's visibility_timeout (3600 s)
LOCK_SECONDS = 60  # longer than the longest interval plus a busy queue
SNAPSHOT_SECONDS = 30 * 60
WATCH_SECONDS = 60
STALE_SECONDS = 2 * MAX_INTERVAL  # a poller that works refreshes well within this
FALLBACK_SECONDS = MAX_INTERVAL
BROWSER_REFRESH_SECONDS = 3


@dataclass(frozen=True)
class Snapshot:
    """What the console last learned about an execution, shared by everyone watching it.

    Kept in the cache (pickled) as the typed `Execution`."""

    execution: Execution
    fetched_at: datetime

    @property
    def is_terminal(self) -> bool:
        return self.execution.is_terminal


def lock_key(execution_id: int) -> str:
    return f"live:lock:{execution_id}"


def snapshot_key(execution_id: int) -> str:
    return f"live:snapshot:{execution_id}"


def interval_key(execution_id: int) -> str:
    return f"live:interval:{execution_id}"


def watch_key(execution_id: int) -> str:
    return f"live:watched:{execution_id}"


def steps_key(execution_id: int) -> str:
    return f"live:steps:{execution_id}"


def steps_taken(execution_id: int) -> int:
    """How many upstream polls the pollers of this execution made (for the benchmark)."""
    return int(cache.get(steps_key(execution_id)) or 0)


def next_interval(current: float | None) -> float:
    """1, 1.2, 1.44, ... capped at 15 seconds (the official client's geometric polling)."""
    if current is None:
        return FIRST_INTERVAL
    return min(round(current * GROWTH, 3), MAX_INTERVAL)


def read_snapshot(execution_id: int) -> Snapshot | None:
    value = cache.get(snapshot_key(execution_id))
    return value if isinstance(value, Snapshot) else None


def write_snapshot(execution: Execution) -> Snapshot:
    snapshot = Snapshot(execution, timezone.now())
    cache.set(snapshot_key(execution.id), snapshot, SNAPSHOT_SECONDS)
    return snapshot


def is_stale(snapshot: Snapshot) -> bool:
    """An unfinished run's snapshot that no poller refreshed lately (no worker is polling)."""
    if snapshot.is_terminal:
        return False
    return (timezone.now() - snapshot.fetched_at).total_seconds() >= STALE_SECONDS


def needs_fallback_read(snapshot: Snapshot) -> bool:
    """True for the one caller (per FALLBACK_SECONDS) that should read an unfinished run
    itself because its snapshot is stale (no worker is polling)."""
    if not is_stale(snapshot):
        return False
    return cache.add(f"live:fallback:{snapshot.execution.id}", True, FALLBACK_SECONDS)


def _redis() -> redis.Redis:
    """A client of the cache's Redis for the pollers' locks: redis-py's Lock needs a client of
    its own, not the cache backend's private one. One per address (read each time, as the
    cache's own is), each pool reconnecting after a fork (prefork workers)."""
    return _client_of(str(settings.CACHES["default"]["LOCATION"]))


@functools.cache
def _client_of(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def _lock(execution_id: int, token: str | None = None) -> Lock:
    """The poller lock of this execution, holding `token` when given (a chain's steps run in
    any worker process, so the token travels in the task's arguments, not in the Lock).
    Named by the cache's key for `lock_key`, so `cache.delete(lock_key(...))` frees it too."""
    lock = _redis().lock(
        cache.make_key(lock_key(execution_id)),
        timeout=LOCK_SECONDS,
        blocking=False,
        thread_local=False,
    )
    lock.local.token = token.encode() if token is not None else None
    return lock


def poller_token(execution_id: int) -> str | None:
    """The token of the chain polling this execution now, or None when nobody is."""
    value = _redis().get(cache.make_key(lock_key(execution_id)))
    return value.decode() if isinstance(value, bytes) else None


def _schedule(workflow_id: int, execution_id: int, session_key_id: int, token: str, wait: float):
    from workflows_app.runs.tasks import poll_execution

    poll_execution.apply_async(
        args=[workflow_id, execution_id, session_key_id, token], countdown=wait
    )


def ensure_poller(workflow_id: int, execution_id: int, session_key_id: int) -> bool:
    """Start the one poller of this execution unless one runs already; True if this call
    started it. Cheap enough to call on every fragment refresh, which also notes a watcher."""
    cache.set(watch_key(execution_id), True, WATCH_SECONDS)
    token = f"{uuid.uuid4().hex}:{session_key_id}"
    if not _lock(execution_id).acquire(token=token):
        return False
    cache.set(interval_key(execution_id), FIRST_INTERVAL, LOCK_SECONDS)
    _schedule(workflow_id, execution_id, session_key_id, token, FIRST_INTERVAL)
    return True


def restart_poller(workflow_id: int, execution_id: int, session_key_id: int) -> None:
    """After an action changed the execution: poll again from 1 s, whoever polled before.
    Replacing the token makes the previous chain stop at its next step."""
    cache.set(watch_key(execution_id), True, WATCH_SECONDS)
    token = f"{uuid.uuid4().hex}:{session_key_id}"
    # Taking the lock over whoever holds it: a plain SET (the Lock only acquires a free one).
    _redis().set(cache.make_key(lock_key(execution_id)), token, ex=LOCK_SECONDS)
    cache.set(interval_key(execution_id), FIRST_INTERVAL, LOCK_SECONDS)
    _schedule(workflow_id, execution_id, session_key_id, token, FIRST_INTERVAL)


def _count_step(execution_id: int) -> None:
    if not cache.add(steps_key(execution_id), 1, SNAPSHOT_SECONDS):
        cache.incr(steps_key(execution_id))


def _release(execution_id: int, token: str) -> None:
    """Free the lock if this chain still holds it. Atomic (the Lock's compare-and-delete runs
    inside Redis): a get-then-delete could delete the fresh token `restart_poller` set in
    between, and the new chain would then stop at its first step."""
    with contextlib.suppress(LockError):  # not ours any more (replaced, expired): nothing to free
        _lock(execution_id, token).release()


def _keep(execution_id: int, token: str, seconds: float) -> bool:
    """Hold the lock `seconds` from now while it still holds this chain's token; False when
    another chain's token replaced it (or it expired), and this chain should stop."""
    try:
        _lock(execution_id, token).extend(seconds, replace_ttl=True)
    except LockError:
        return False
    return True


def client_for_session_key(session_key_id: int) -> CivisClient | None:
    """The client acting as the person of that SessionKey row, or None once they signed out,
    their session expired (idle too long: the row may outlive it until the next cleanup), or
    the key cannot be decrypted any more."""
    stored = SessionKey.objects.select_related("user__civis").filter(pk=session_key_id).first()
    if stored is None or not session_alive(stored.session_key):
        return None
    key = crypto.decrypt(stored.encrypted_key)
    if key is None:
        return None
    account = getattr(stored.user, "civis", None)
    return CivisClient(
        key, profile="worker", max_retries=0, actor_id=account.civis_user_id if account else None
    )


def session_alive(session_key: str) -> bool:
    """The Django session still exists and has not expired."""
    return Session.objects.filter(session_key=session_key, expire_date__gt=timezone.now()).exists()


def poll_step(workflow_id: int, execution_id: int, session_key_id: int, token: str) -> float | None:
    """One poll: read the execution upstream, share it, and say when to poll next (seconds),
    or None to stop (terminal, superseded by another chain, nobody watching, or nobody to
    act as)."""
    if poller_token(execution_id) != token:
        return None
    if not cache.get(watch_key(execution_id)):
        _release(execution_id, token)
        return None
    client = client_for_session_key(session_key_id)
    if client is None:
        _release(execution_id, token)
        return None
    _count_step(execution_id)
    interval = next_interval(cache.get(interval_key(execution_id)))
    try:
        execution = client.get_executions(workflow_id, execution_id)
    except (errors.Unavailable, errors.RateLimited) as exc:
        # Transient: keep the last snapshot and try again later, waiting as asked (but not
        # past MAX_WAIT), holding the lock that long while it is still ours.
        asked = getattr(exc, "retry_after", 0.0) or 0.0
        wait = min(max(MAX_INTERVAL, asked), MAX_WAIT)
        if not _keep(execution_id, token, LOCK_SECONDS + wait):
            return None  # another chain polls now
        logger.info("live poll of execution %s deferred: %s", execution_id, type(exc).__name__)
        return wait
    except errors.CivisError as exc:
        logger.info("live poll of execution %s stopped: %s", execution_id, type(exc).__name__)
        _release(execution_id, token)
        return None
    write_snapshot(execution)
    if execution.is_terminal:
        _release(execution_id, token)
        return None
    if not _keep(execution_id, token, LOCK_SECONDS):
        return None  # another chain polls now, from its own interval
    cache.set(interval_key(execution_id), interval, LOCK_SECONDS)
    return interval


def run_step(workflow_id: int, execution_id: int, session_key_id: int, token: str) -> None:
    """A step and, unless it said stop, the next one scheduled (what the Celery task does)."""
    wait = poll_step(workflow_id, execution_id, session_key_id, token)
    if wait is not None:
        _schedule(workflow_id, execution_id, session_key_id, token, wait)
