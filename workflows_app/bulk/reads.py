"""The offboarding wizard's long reads, done by a worker while the page says how far it got.

Four reads, each hundreds of upstream calls for a person who owns or can see many workflows
(one wizard step once made 873 calls in one request):

- `OWNED`, after step 1: every workflow the person owns that the viewer can see, then the
  viewer's level on each (`candidates.owned_by`, `candidates.manageable`);
- `LEAVER`, the last step of offboarding: the other workflows where the person has a share of
  their own (`candidates.shared_with`: the shares of every workflow the viewer can see);
- `SUGGESTED`, on the check page of a move to "someone who already manages each one": who
  that is for each workflow (`candidates.suggested_owners`: one call per workflow chosen);
- `CLOSED`, on the check page of a move: what each workflow uses that its new owner cannot
  open yet, by kind and name, and whether the viewer can share it (`candidates.closed_to`:
  one call per workflow moved, then one per job or workflow the viewer cannot share or
  whose name is hidden, for its name and owner);
- `AFTERWARDS`, on the page of a finished offboarding job that removed the leaver's access:
  which of its workflows they can still open through a group (`candidates.still_opens`: one
  call per item, one per group). It belongs to the job, not a draft: its plan is kept in the
  job's parameters (`plan_job`, no call) and its task is `bulk.read_for_job`.

How it runs:

- The page plans the read (`plan`: one listing call for its fingerprint; `plan_moves`: no
  call, the rows it looks at are its fingerprint) and keeps the plan in its draft; `ask`
  starts the read or joins the one already running. The first asker adds the running record
  (`cache.add`, atomic); everyone asking while it runs (a second tab, a second wizard for
  the same person, the page's polls) finds that record and waits on it.
- The record is keyed by what the read depends on: which read, the viewer, the person, the
  upstream, and the fingerprint of the listing it walks (how many workflows, and the one
  changed last: the platform touches a workflow's `updated_at` when it is shared, moved or
  changed), or for `SUGGESTED` and `CLOSED` the rows themselves. Not by the draft, the job's
  kind or the selection, which do not change OWNED or LEAVER. A finished read is kept
  `KEEP_SECONDS`; the draft keeps what it took for as long as it lives.
- The Celery task (`bulk.read_for_wizard`, on the `bulk` queue: hundreds of calls are the work
  the `live` queue is kept free of) gets the draft's id, which read, and the id of the
  viewer's `SessionKey` row, as the live poller does: never the key. The endpoint and the
  plan come from the draft (the database), not from the message.
- The task writes its progress (`done` of `total`) into the record at most every
  `WRITE_EVERY` seconds; each write keeps the record `RUNNING_SECONDS` longer. A worker that
  dies mid-read stops writing, its record expires, and the next poll starts the read again.
- A read no worker has started yet (the bulk queue's workers are down, or busy with a job's
  slices) only waits. The record says when it was first asked for (`asked_at`, by `clock`)
  and, from the worker's first write, when a worker started it (`started_at`); `waiting`
  tells the pages how long it has waited, so they can say so in plain words. The first ask's
  time is also kept under its own key (`_asked_key`, `ASKED_SECONDS` after the last ask):
  a record that expires with no worker is added again by the next poll with that time, not
  a new one, so a page left open keeps saying the read has not started. The worker's first
  write drops that key: a read started again after its worker died counts from then.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache

from workflows_app.bulk.candidates import (
    Tally,
    closed_to,
    manageable,
    owned_by,
    shared_with,
    still_opens,
    suggested_owners,
)
from workflows_app.bulk.runner import SLICE_SECONDS
from workflows_app.civis import CivisClient, CivisError
from workflows_app.core import crypto
from workflows_app.models import SessionKey
from workflows_app.models.bulk import BulkDraft, BulkJob
from workflows_app.words import bulk as words

logger = logging.getLogger(__name__)

OWNED = "owned"
LEAVER = "leaver"
SUGGESTED = "suggested"
CLOSED = "closed"
AFTERWARDS = "afterwards"
JOB_PLAN_FIELD = "afterwards_read"  # where a finished job keeps the plan of its AFTERWARDS read
# Where a draft keeps the plan of each read until it has taken the result.
PLAN_FIELD = {
    OWNED: "owned_read",
    LEAVER: "leaver_read",
    SUGGESTED: "suggested_read",
    CLOSED: "closed_read",
}

RUNNING, DONE, FAILED = "running", "done", "failed"
# A running record lasts this long after its last write: longer than a read may wait on a busy
# bulk queue behind a job's slice (runner.SLICE_SECONDS, 60 s), so a queued read is not
# started twice; short enough that a read lost with its worker is started again within minutes.
RUNNING_SECONDS = 180
KEEP_SECONDS = 120  # a finished read serves whoever asks for the same thing meanwhile
FAILED_SECONDS = 60  # a failed one is shown until then; "Try again" starts a new one at once
WRITE_EVERY = 0.25  # seconds between progress writes (the page polls every second)
# A read no worker has started, after this long: the page says it waits for the console's
# background worker, which may be busy (the bulk queue's workers take reads and job slices in
# turn)...
WAITING_SAYS_BUSY = 20
# ...and after this long, that it has not started and the worker may not be running. Twice
# a job's slice: a read queued behind busy workers' slices (each up to SLICE_SECONDS) has
# started by then; below RUNNING_SECONDS, so a page says it before the record expires.
WAITING_SAYS_NOT_STARTED = 2 * SLICE_SECONDS
ASKED_SECONDS = 3600  # how long the first ask's time is kept after the last ask
WAITING, NOT_STARTED = "waiting", "not_started"  # stages of a read no worker started


def clock() -> float:
    """The wall clock of `asked_at` (the page and the worker may be different machines)."""
    return time.time()


@dataclass(frozen=True)
class Plan:
    """One read, named by what it depends on (kept in the draft as JSON)."""

    what: str
    viewer_id: int
    person_id: int
    endpoint: str
    fingerprint: str

    @property
    def key(self) -> str:
        parts = f"{self.what}|{self.viewer_id}|{self.person_id}|{self.endpoint}|{self.fingerprint}"
        return "bulk-read:" + hashlib.sha256(parts.encode()).hexdigest()[:40]

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Plan:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def plan(client: CivisClient, what: str, *, viewer_id: int, person_id: int) -> Plan:
    """The read's plan: one call, the listing it walks ordered by last change, one row."""
    author = str(person_id) if what == OWNED else None
    page = client.list_workflows(
        author=author, archived="all", order="updated_at", order_dir="desc", limit=1
    )
    last = page.items[0] if page.items else None
    changed = last.updated_at.isoformat() if last and last.updated_at else ""
    fingerprint = f"{page.total_entries}:{last.id if last else 0}:{changed}"
    return Plan(what, viewer_id, person_id, client.endpoint, fingerprint)


def plan_moves(
    client: CivisClient, rows: list, *, viewer_id: int, person_id: int, what: str = CLOSED
) -> dict:
    """The plan of a read of `rows` that are all it depends on, with the rows (the task reads
    them from the draft): `CLOSED`, the moves (`id`, `new_owner_id`); `SUGGESTED`, the ids of
    the workflows chosen. As JSON, for the draft. No upstream call."""
    fingerprint = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:40]
    planned = Plan(what, viewer_id, person_id, client.endpoint, fingerprint)
    return {**planned.as_json(), "rows": rows}


def plan_job(client: CivisClient, job: BulkJob, *, viewer_id: int) -> Plan:
    """The plan of a finished job's `AFTERWARDS` read. No call: the job's items and its end
    are what it depends on."""
    ended = job.finished_at.isoformat() if job.finished_at else ""
    person_id = int(job.parameters["source_id"])
    return Plan(AFTERWARDS, viewer_id, person_id, client.endpoint, f"job:{job.id}:{ended}")


def session_key_id(request) -> int | None:
    """The reference the task acts by: this session's SessionKey row (never the key)."""
    return (
        SessionKey.objects.filter(session_key=request.session.session_key, user=request.user)
        .values_list("id", flat=True)
        .first()
    )


def ask(draft: BulkDraft, what: str, key_id: int, *, again: bool = False) -> dict:
    """The record of the draft's planned read `what`: the finished result, or how far the
    running read has got. Starts the read unless it is running or done; `again` replaces a
    failed one."""
    from workflows_app.bulk.tasks import read_for_wizard

    planned = Plan.from_json(draft.choices[PLAN_FIELD[what]])
    start = lambda: read_for_wizard.delay_on_commit(draft.id, what, key_id, planned.key)  # noqa: E731
    return _ask(planned, start, again)


def ask_for_job(job: BulkJob, key_id: int, *, again: bool = False) -> dict:
    """As `ask`, for the finished job's planned `AFTERWARDS` read."""
    from workflows_app.bulk.tasks import read_for_job

    planned = Plan.from_json(job.parameters[JOB_PLAN_FIELD])
    return _ask(planned, lambda: read_for_job.delay_on_commit(job.id, key_id), again)


def _asked_key(planned: Plan) -> str:
    return planned.key + ":asked"


def _ask(planned: Plan, start: Callable[[], object], again: bool) -> dict:
    record = cache.get(planned.key)
    if record is not None and not (again and record["state"] == FAILED):
        return record
    if record is not None:
        cache.delete(planned.key)
    asked = _asked_key(planned)
    cache.add(asked, clock(), ASKED_SECONDS)  # kept if an earlier ask is still not started
    cache.touch(asked, ASKED_SECONDS)
    asked_at = cache.get(asked) or clock()
    running = {"state": RUNNING, "done": 0, "total": None, "asked_at": asked_at}
    if cache.add(planned.key, running, RUNNING_SECONDS):
        start()
        return cache.get(planned.key) or running
    return cache.get(planned.key) or running  # someone else started it just now: join it


def waiting(record: dict) -> str | None:
    """How long a running read has waited for a worker to start it, as the page says it:
    None (a worker has started it, or it was asked for less than `WAITING_SAYS_BUSY` ago),
    `WAITING`, or `NOT_STARTED` (after `WAITING_SAYS_NOT_STARTED`)."""
    asked_at = record.get("asked_at")
    if record.get("state") != RUNNING or record.get("started_at") or asked_at is None:
        return None
    waited = clock() - asked_at
    if waited >= WAITING_SAYS_NOT_STARTED:
        return NOT_STARTED
    return WAITING if waited >= WAITING_SAYS_BUSY else None


class Progress(Tally):
    """A tally that writes `done` of `total` into the read's record, from the read's threads."""

    def __init__(self, planned: Plan) -> None:
        self.key = planned.key
        self.total: int | None = None
        self.done = 0
        self.written = 0.0
        self.closed = False
        self.lock = threading.Lock()
        # The first write says a worker has started (before the listing that finds `total`);
        # every write keeps when the read was asked for.
        self.asked_at = (cache.get(self.key) or {}).get("asked_at")
        self.started_at = clock()
        cache.delete(_asked_key(planned))
        with self.lock:
            self._write()

    def begin(self, total: int) -> None:
        with self.lock:
            self.total, self.done = total, 0
            self._write()

    def step(self) -> None:
        with self.lock:
            self.done += 1
            if self.done == self.total or time.monotonic() - self.written >= WRITE_EVERY:
                self._write()

    def close(self) -> None:
        """No more writes: calls of a failed read may still end after it was marked failed."""
        with self.lock:
            self.closed = True

    def _write(self) -> None:
        if not self.closed:
            record = {
                "state": RUNNING,
                "done": self.done,
                "total": self.total,
                "asked_at": self.asked_at,
                "started_at": self.started_at,
            }
            cache.set(self.key, record, RUNNING_SECONDS)
            self.written = time.monotonic()


def _read_owned(client: CivisClient, planned: Plan, given: dict, tally: Tally) -> dict:
    found, pages = owned_by(client, planned.person_id)
    offered = manageable(
        client, found, person_id=planned.person_id, viewer_id=planned.viewer_id, tally=tally
    )
    return {
        "candidates": [c.as_json() for c in offered],
        "pages": pages,
        "not_manageable": len(found) - len(offered),
    }


def _read_leaver(client: CivisClient, planned: Plan, given: dict, tally: Tally) -> dict:
    return {"shares": [c.as_json() for c in shared_with(client, planned.person_id, tally=tally)]}


def _read_suggested(client: CivisClient, planned: Plan, given: dict, tally: Tally) -> dict:
    found = suggested_owners(client, given["rows"], leaving_id=planned.person_id, tally=tally)
    # As the draft keeps them: [id, name] of who could own it next, or None for nobody found.
    return {
        "suggestions": {
            str(wid): [s.person_id, s.person_name] if s.person_id else None
            for wid, s in found.items()
        }
    }


def _read_closed(client: CivisClient, planned: Plan, given: dict, tally: Tally) -> dict:
    return {"things": closed_to(client, given["rows"], tally)}


# Each reader gets the plan as the draft keeps it (`given`: with the rows, for SUGGESTED and
# CLOSED).
READERS: dict[str, Callable[[CivisClient, Plan, dict, Tally], dict]] = {
    OWNED: _read_owned,
    LEAVER: _read_leaver,
    SUGGESTED: _read_suggested,
    CLOSED: _read_closed,
}


def _client_as(owner, key_id: int, planned: Plan) -> CivisClient | None:
    """The client acting as `owner` (of the draft, or who started the job) through their
    session's stored key; None once they signed out (or the row is not theirs, or not the
    viewer the plan was made for)."""
    from workflows_app.runs.live_status import session_alive

    stored = SessionKey.objects.filter(pk=key_id, user_id=owner.pk).first()
    if stored is None or not session_alive(stored.session_key):
        return None
    account = getattr(owner, "civis", None)
    if account is None or account.civis_user_id != planned.viewer_id:
        return None
    key = crypto.decrypt(stored.encrypted_key)
    if key is None:
        return None
    return CivisClient(
        key, endpoint=planned.endpoint, profile="worker", actor_id=account.civis_user_id
    )


def _fail(planned: Plan, reason: str) -> None:
    cache.delete(_asked_key(planned))  # a worker took it: "Try again" counts from then
    cache.set(planned.key, {"state": FAILED, "reason": reason}, FAILED_SECONDS)


def run(draft_id: int, what: str, key_id: int, plan_key: str | None = None) -> str:
    """The task's work: do the draft's planned read `what` as its owner and keep the result
    in the read's record. Returns the record's state (for the log and the tests). `plan_key`
    is the record the read was asked for: if the draft holds another plan by now (planned
    again) or is gone, that record is let go, so whoever waits on it asks again at once."""
    draft = BulkDraft.objects.select_related("owner__civis").filter(id=draft_id).first()
    planned_json = draft.choices.get(PLAN_FIELD.get(what, "")) if draft else None
    if plan_key is not None and (not planned_json or Plan.from_json(planned_json).key != plan_key):
        _let_go(plan_key)
    if draft is None or not planned_json:  # the draft took a result already, or is gone
        return DONE
    planned = Plan.from_json(planned_json)
    record = cache.get(planned.key)
    if record is not None and record["state"] != RUNNING:  # done meanwhile (a duplicate)
        return str(record["state"])
    reader = READERS[what]
    read = lambda client, tally: reader(client, planned, planned_json, tally)  # noqa: E731
    return _carry_out(planned, _client_as(draft.owner, key_id, planned), read, f"draft {draft_id}")


def _let_go(key: str) -> None:
    """Drop a record no worker has started (a finished or started one is left as it is)."""
    record = cache.get(key)
    if record is not None and record["state"] == RUNNING and not record.get("started_at"):
        cache.delete(key)


def run_for_job(job_id: int, key_id: int) -> str:
    """The task's work for a finished job's `AFTERWARDS` read, as who started the job."""
    job = BulkJob.objects.select_related("started_by__civis").filter(id=job_id).first()
    planned_json = job.parameters.get(JOB_PLAN_FIELD) if job else None
    if job is None or not planned_json:
        return DONE
    planned = Plan.from_json(planned_json)
    record = cache.get(planned.key)
    if record is not None and record["state"] != RUNNING:  # done meanwhile (a duplicate)
        return str(record["state"])
    ids = list(job.items.values_list("workflow_id", flat=True))

    def read(client: CivisClient, tally: Tally) -> dict:
        opened, groups = still_opens(client, planned.person_id, ids, tally=tally)
        return {"opened": len(opened), "groups": groups}

    return _carry_out(planned, _client_as(job.started_by, key_id, planned), read, f"job {job_id}")


def _carry_out(
    planned: Plan,
    client: CivisClient | None,
    read: Callable[[CivisClient, Tally], dict],
    of: str,
) -> str:
    """Do the read as `client` (None: signed out), keeping its progress, then its result or
    why it failed, in its record."""
    if client is None:
        _fail(planned, words.READ_SIGNED_OUT)
        return FAILED
    tally = Progress(planned)
    try:
        result = read(client, tally)
    except (CivisError, SoftTimeLimitExceeded) as error:
        tally.close()
        logger.warning("read %s of %s stopped: %s", planned.what, of, type(error))
        _fail(planned, words.READ_FAILED)
        return FAILED
    except Exception:
        tally.close()
        _fail(planned, words.READ_FAILED)
        raise
    tally.close()
    cache.set(planned.key, {"state": DONE, "result": result}, KEEP_SECONDS)
    return DONE
