"""API-key authentication without database work on every request.

A key's owner, groups and validity change rarely, yet every request needs them: `KEYS` keeps
them in memory for a few seconds (a revoke forgets the key at once, so a revoked key is never
accepted again). A key's `lastUsedAt` / `useCount` change on every request: `USAGE` counts in
memory and writes a key's pending uses once they are a minute old, and before anything shows
a key (the key endpoints flush first), so what the API answers is exact while an ordinary
authenticated request writes nothing.
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F

from .models import ApiKey
from .permissions import Caller

CACHE_SECONDS = 5.0
USAGE_WRITE_SECONDS = 60.0


@dataclass(frozen=True)
class CachedKey:
    key_id: int
    expires_at: datetime
    disabled: bool  # revoked, or its owner is inactive
    caller: Caller
    fetched: float  # time.monotonic() when read from the database

    def accepted_at(self, at: datetime) -> bool:
        return not self.disabled and self.expires_at > at


class KeyCache:
    def __init__(self, seconds: float = CACHE_SECONDS):
        self.seconds = seconds
        self._entries: dict[str, CachedKey] = {}
        self._lock = threading.Lock()
        self._forgotten = 0  # bumped by forget: a read that overlapped one is not kept

    def get(self, token: str) -> CachedKey | None:
        """The key of `token` (None when no key has it), from memory when recently read."""
        with self._lock:
            entry = self._entries.get(token)
            generation = self._forgotten
        if entry is not None and time.monotonic() - entry.fetched < self.seconds:
            return entry
        key = ApiKey.objects.select_related("user").filter(token=token).first()
        if key is None:
            return None
        entry = CachedKey(
            key_id=key.id,
            expires_at=key.expires_at,
            disabled=key.revoked_at is not None or not key.user.active,
            caller=Caller.of(key.user),
            fetched=time.monotonic(),
        )
        with self._lock:
            if generation == self._forgotten:
                self._entries[token] = entry
        return entry

    def forget(self, token: str) -> None:
        with self._lock:
            self._forgotten += 1
            self._entries.pop(token, None)


@dataclass
class PendingUse:
    count: int
    last_used_at: datetime
    since: float  # time.monotonic() of the oldest use not yet written


class KeyUsage:
    def __init__(self, seconds: float = USAGE_WRITE_SECONDS):
        self.seconds = seconds
        self._pending: dict[int, PendingUse] = {}
        self._lock = threading.Lock()
        # Held while pending uses are taken and written, so a flush that returns has seen
        # every use another flush took before it.
        self._writing = threading.Lock()

    def record(self, key_id: int, at: datetime) -> None:
        """One use at (simulated) time `at`; writes this key's uses when a minute has passed."""
        clock = time.monotonic()
        with self._lock:
            pending = self._pending.get(key_id)
            if pending is None:
                self._pending[key_id] = PendingUse(1, at, clock)
                return
            pending.count += 1
            pending.last_used_at = at
            due = clock - pending.since >= self.seconds
        if due:
            self.flush([key_id])

    def flush(self, key_ids: list[int] | None = None) -> None:
        """Write the pending uses of these keys (all when None)."""
        with self._writing:
            with self._lock:
                ids = list(self._pending) if key_ids is None else key_ids
                taken = {i: self._pending.pop(i) for i in ids if i in self._pending}
            for key_id, use in taken.items():
                ApiKey.objects.filter(id=key_id).update(
                    last_used_at=use.last_used_at, use_count=F("use_count") + use.count
                )


KEYS = KeyCache()
USAGE = KeyUsage()
