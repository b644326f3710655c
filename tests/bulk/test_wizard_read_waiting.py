"""A wizard read that no worker picks up (the bulk queue's workers are down, or busy with other
jobs) said "Looking…" for ever. Now its page says, as time passes, that it waits for the
console's background worker, then that the worker may not be running and whom to tell; and
it keeps polling, as the read may still start. No worker runs in these tests: the reads go to
the real bulk queue and wait there. Time is moved by the clock the reads module reads."""

import time

import pytest
from django.core.cache import cache
from django.utils.html import escape

from tests.bulk.test_wizard_reads import _finished_offboarding, _sign_in_admin, _start
from tests.helpers import FakeClock
from workflows_app.bulk import reads
from workflows_app.models import SessionKey
from workflows_app.models.bulk import BulkDraft
from workflows_app.words import bulk as bulk_words

pytestmark = pytest.mark.django_db(transaction=True)

BUSY = escape(bulk_words.READ_WAITING_FOR_WORKER)
NOT_STARTED = escape(bulk_words.READ_NOT_STARTED)


@pytest.fixture
def clock(monkeypatch):
    """The reads' wall clock, moved by the test (from now: records it leaves behind in Redis
    hold real times)."""
    moved = FakeClock()
    moved.now = time.time()
    monkeypatch.setattr(reads, "clock", moved)
    return moved


def _poll(client, url: str) -> str:
    """What the page's poll (every second, HTMX) gets back."""
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_a_read_no_worker_starts_says_so_plainly_as_time_passes_and_keeps_polling(
    client, bulk_api, clock
):
    person = bulk_api.people["jwashington"]
    bulk_api.make_workflows(person.username, 1, "Waiting read")
    _sign_in_admin(client, bulk_api)
    asked = clock.now
    draft = _start(client, person)  # asks for the read: it waits on the bulk queue
    url = f"/transfers/new/{draft.id}/"
    planned = reads.Plan.from_json(draft.choices["owned_read"])
    listing = escape("Listing the workflows of Jamal Washington that you can see…")

    first = client.get(url).content.decode()
    assert listing in first and BUSY not in first and "Move workflows · Step 2 of 5" in first
    clock.now = asked + reads.WAITING_SAYS_BUSY - 1
    assert listing in _poll(client, url)

    clock.now = asked + reads.WAITING_SAYS_BUSY
    busy = _poll(client, url)
    assert BUSY in busy and listing not in busy
    assert 'hx-trigger="every 1s"' in busy and "data-read-refresh" in busy
    assert "bulk-panel--warn" not in busy and 'role="status"' in busy
    assert BUSY in client.get(url).content.decode()  # the whole page says it too

    clock.now = asked + reads.WAITING_SAYS_NOT_STARTED - 1
    assert BUSY in _poll(client, url)  # a read behind a busy job's slice is not called lost
    clock.now = asked + reads.WAITING_SAYS_NOT_STARTED
    lost = _poll(client, url)
    assert NOT_STARTED in lost and BUSY not in lost
    assert 'class="bulk-words bulk-panel bulk-panel--warn" role="status"' in lost
    assert 'hx-trigger="every 1s"' in lost and "data-read-refresh" in lost  # it may still start

    # RUNNING_SECONDS after it was added, no worker having written, Redis drops the record; the
    # next poll adds it again (and sends the read again), still counting from the first ask.
    assert cache.get(planned.key)["asked_at"] == asked
    clock.now = asked + reads.RUNNING_SECONDS
    cache.delete(planned.key)
    again = _poll(client, url)
    assert NOT_STARTED in again and "data-read-refresh" in again
    assert cache.get(planned.key)["asked_at"] == asked

    # A worker takes it at last: its first write says so; how far it got is shown again.
    progress = reads.Progress(planned)
    assert BUSY not in _poll(client, url) and NOT_STARTED not in _poll(client, url)
    progress.begin(3)
    started = _poll(client, url)
    assert "Looking at 0 of 3 workflows…" in started and "bulk-panel--warn" not in started
    assert cache.get(planned.key)["asked_at"] == asked  # its writes keep when it was asked
    # That worker dies: its record expires, and the read asked again counts from now.
    cache.delete(planned.key)
    assert listing in _poll(client, url)

    key_id = SessionKey.objects.filter(user__civis__civis_user_id=bulk_api.admin_id).latest("id")
    assert reads.run(draft.id, reads.OWNED, key_id.id) == reads.DONE  # what a worker does
    assert _poll(client, url) == ""  # done: the poll loads the step
    assert "data-read-refresh" not in client.get(url).content.decode()


def test_a_finished_jobs_read_of_what_the_leaver_can_still_open_says_the_same(
    client, bulk_api, clock
):

    leaver, heir = bulk_api.people["dvolkov"], bulk_api.people["gthompson"]
    ids = bulk_api.make_workflows(leaver.username, 1, "Waiting afterwards")
    job = _finished_offboarding(client, bulk_api, leaver, heir, ids)
    url = f"/transfers/{job.id}/"
    section = f"{url}?afterwards=1"

    first = client.get(url).content.decode()  # asks for the read: it waits on the bulk queue
    assert escape(f"Looking at what {leaver.name} can still open…") in first
    clock.sleep(reads.WAITING_SAYS_BUSY)
    busy = _poll(client, section)
    assert busy.lstrip().startswith('<section class="bulk-afterwards" id="job-afterwards"')
    assert BUSY in busy and "data-afterwards-refresh" in busy and "bulk-panel--warn" not in busy

    clock.sleep(reads.WAITING_SAYS_NOT_STARTED - reads.WAITING_SAYS_BUSY)
    lost = _poll(client, section)
    assert NOT_STARTED in lost and "data-afterwards-refresh" in lost
    assert 'role="status" id="afterwards-reading" class="bulk-panel bulk-panel--warn"' in lost
    assert NOT_STARTED in client.get(url).content.decode()


def test_the_check_page_says_the_same_of_what_the_moved_workflows_use(client, bulk_api, clock):
    person, heir = bulk_api.people["jwashington"], bulk_api.people["egarcia"]
    bulk_api.make_workflows(person.username, 1, "Waiting check")
    _sign_in_admin(client, bulk_api)
    draft = _start(client, person)
    key_id = SessionKey.objects.filter(user__civis__civis_user_id=bulk_api.admin_id).latest("id")
    reads.run(draft.id, reads.OWNED, key_id.id)  # the steps' reads done, as a worker would
    client.post(f"/transfers/new/{draft.id}/", {"action": "continue"})
    client.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
    )
    client.get(f"/transfers/new/{draft.id}/access/")
    reads.run(draft.id, reads.LEAVER, key_id.id)
    client.post(f"/transfers/new/{draft.id}/access/", {})
    url = f"/transfers/new/{draft.id}/check/"

    first = client.get(url).content.decode()  # asks what they use: it waits on the bulk queue
    assert escape("Looking at what each workflow uses that the new owner can't open yet…") in first
    clock.sleep(reads.WAITING_SAYS_BUSY)
    busy = _poll(client, url)
    assert BUSY in busy and "data-suggestions-refresh" in busy and "bulk-panel--warn" not in busy
    clock.sleep(reads.WAITING_SAYS_NOT_STARTED - reads.WAITING_SAYS_BUSY)
    lost = _poll(client, url)
    assert NOT_STARTED in lost and "data-suggestions-refresh" in lost
    assert 'role="status" id="check-reading" class="bulk-panel bulk-panel--warn"' in lost
    assert "<button" not in lost.split("check-plan")[1]  # nothing to confirm yet


def test_a_read_asked_for_a_plan_the_draft_no_longer_holds_lets_its_record_go(
    client, bulk_api, clock
):
    """The draft was planned again (or is gone) before a worker took the read: the record
    asked for is dropped, so a page still waiting on it asks again at once instead of waiting
    for it to expire (RUNNING_SECONDS)."""
    import dataclasses

    person = bulk_api.people["jwashington"]
    bulk_api.make_workflows(person.username, 1, "Planned again")
    _sign_in_admin(client, bulk_api)
    draft = _start(client, person)
    first = reads.Plan.from_json(draft.choices["owned_read"])
    assert cache.get(first.key)["state"] == reads.RUNNING  # waiting for a worker
    again = dataclasses.replace(first, fingerprint=first.fingerprint + "|planned again")
    draft.choices["owned_read"] = again.as_json()
    draft.save(update_fields=["choices"])
    key_id = SessionKey.objects.get(session_key=client.session.session_key).id

    reads.run(draft.id, reads.OWNED, key_id, first.key)  # the queued task, taken at last
    assert cache.get(first.key) is None
    assert cache.get(again.key)["state"] == reads.DONE  # the draft's plan now, read
    BulkDraft.objects.filter(id=draft.id).delete()
    cache.add(first.key, {"state": reads.RUNNING, "done": 0, "total": None}, 60)
    assert reads.run(draft.id, reads.OWNED, key_id, first.key) == reads.DONE  # gone: let go
    assert cache.get(first.key) is None
