"""The offboarding wizard's long reads are a worker's (issue 10, item 11d): step 1's "what do
they own that you can manage" and the leaver step's "where else do they have access" take
hundreds of calls for a person with many workflows; each step's request makes a few, however
many there are, and the page says how far the worker has got while it polls."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.bulk.conftest import BulkWorker
from workflows_app.bulk import reads
from workflows_app.bulk.candidates import closed_to, manageable, owned_by, shared_with
from workflows_app.models.bulk import BulkDraft

pytestmark = pytest.mark.django_db(transaction=True)
MANY = 60  # more than one page of the listing (50 a page)


@pytest.fixture
def bulk_queue_worker(bulk_api):
    """A real worker on the bulk queue, where the reads go (settings.CELERY_TASK_ROUTES)."""
    worker = BulkWorker(settings.BULK_QUEUE, "wizard-reads")
    yield worker
    worker.stop()


@pytest.fixture
def asked(monkeypatch):
    """The reads the pages hand to Celery, not run: the test says how far they got."""
    from workflows_app.bulk.tasks import read_for_wizard

    sent: list[tuple] = []
    monkeypatch.setattr(read_for_wizard, "delay_on_commit", lambda *args: sent.append(args))
    return sent


def _sign_in_admin(client, api) -> None:
    assert client.post("/sign-in/", {"api_key": api.admin_key}).status_code == 302


def _start(client, person) -> BulkDraft:
    response = client.post("/transfers/new/", {"person": f"user:{person.id}"})
    assert response.status_code == 302, response.content
    draft = BulkDraft.objects.latest("id")
    assert response["Location"] == f"/transfers/new/{draft.id}/"
    return draft


def _every_page(client, url: str) -> str:
    """The step's pages of workflows, all of them: other bulk tests move workflows to the same
    people, so one made just now may be listed past the first page."""
    pages = []
    for number in range(1, 50):
        pages.append(client.get(f"{url}?page={number}").content.decode())
        if f'name="goto" value="{number + 1}"' not in pages[-1]:
            break
    return "".join(pages)


def _finished_offboarding(client, api, leaver, heir, ids):
    """The admin signed in, and an offboarding job (move `ids` to `heir`, removing the
    leaver's access) run to its end here, in this process: no worker takes the job."""
    from django.contrib.auth import get_user_model

    from tests.bulk.conftest import start_transfer
    from workflows_app.bulk import runner
    from workflows_app.models.bulk import BulkJob

    _sign_in_admin(client, api)
    me = get_user_model().objects.get(civis__civis_user_id=api.admin_id)
    job = start_transfer(
        api, me, ids, heir, source_id=leaver.id, source_name=leaver.name, remove_access=True
    )
    while BulkJob.objects.get(id=job.id).is_active:
        runner.run_slice(job.id)
    return job


def _calls_of(console_calls, request) -> list:
    before = len(console_calls)
    request()
    return console_calls[before:]


def test_a_worker_does_the_reads_and_each_step_request_makes_a_few_calls(
    client, bulk_api, bulk_queue_worker, console_calls
):
    admin = bulk_api.admin
    leaver, heir = bulk_api.people["cbellini"], bulk_api.people["egarcia"]
    bulk_api.make_workflows(leaver.username, MANY, "Reads own")
    (theirs,) = bulk_api.make_workflows("aokafor", 1, "Reads shared with the leaver")
    admin.put_shares_users(theirs, [leaver.id], "write")
    _sign_in_admin(client, bulk_api)
    bulk_api.reset_requests()

    started = _calls_of(console_calls, lambda: _start(client, leaver))
    draft = BulkDraft.objects.latest("id")

    assert len(started) <= 2, started  # the person, and one row of their listing
    select = f"/transfers/new/{draft.id}/"
    polls: list = []

    def poll() -> str:
        page: list = []
        polls.extend(_calls_of(console_calls, lambda: page.append(client.get(select))))
        return page[0].content.decode()

    step = wait_for_text(poll, "workflows selected")
    assert polls == []  # waiting and showing the step asked upstream for nothing
    by_route = bulk_api.requests_by_route()
    assert by_route["GET /workflows/{id}"] >= MANY  # the worker read each one
    # The step shows what the request itself used to read.
    found, _ = owned_by(admin, leaver.id)
    expected = manageable(admin, found, person_id=leaver.id, viewer_id=admin.users_me().id)
    draft.refresh_from_db()
    assert [c["id"] for c in draft.candidates] == [c.id for c in expected]
    assert f"{len(expected)} workflows selected" in step
    assert "Reads own 000" in _every_page(client, select)

    client.post(select, {"action": "continue"})
    client.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
    )
    access = f"/transfers/new/{draft.id}/access/"
    first = _calls_of(console_calls, lambda: client.get(access))
    assert len(first) <= 1, first  # one row of the listing, for the read's fingerprint

    def access_page() -> str:
        page: list = []
        polls.extend(_calls_of(console_calls, lambda: page.append(client.get(access))))
        return page[0].content.decode()

    step = wait_for_text(access_page, "Remove Chiara Bellini")
    assert polls == []
    assert "Reads shared with the leaver 000" in step
    draft.refresh_from_db()
    expected_shares = shared_with(admin, leaver.id, skip=draft.selected)
    assert [r["id"] for r in draft.choices["leaver_shares"]] == [c.id for c in expected_shares]

    client.post(access, {"remove_access": "on"})
    check = f"/transfers/new/{draft.id}/check/"

    def check_page() -> str:
        page: list = []
        polls.extend(_calls_of(console_calls, lambda: page.append(client.get(check))))
        return page[0].content.decode()

    step = wait_for_text(check_page, "and remove Chiara Bellini's access</button>")
    assert polls == []  # what each moved workflow uses was read by the worker too
    draft.refresh_from_db()
    moves = [{"id": i, "new_owner_id": heir.id} for i in draft.selected]
    assert draft.choices["closed"]["things"] == closed_to(admin, moves)
    assert f"Make {heir.name} the owner of {len(draft.selected)} workflows" in step


def test_suggested_owners_are_a_worker_read_and_the_check_page_asks_upstream_for_none(
    client, bulk_api, bulk_queue_worker, console_calls
):
    """The check page of a move to "someone who already manages each one" made one
    `list_shares` per workflow in its requests, 40 a request while it polled: now a worker
    reads them (reads.SUGGESTED), and however many workflows, its requests make no call."""
    from workflows_app.bulk.candidates import suggested_owners

    admin = bulk_api.admin
    leaver, manager, fallback = (bulk_api.people[u] for u in ("imoreau", "fhaddad", "htanaka"))
    ids = bulk_api.make_workflows(leaver.username, MANY, "Reads suggested")
    bulk_api.client_of(leaver.username).put_shares_users(ids[1], [manager.id], "manage")
    _sign_in_admin(client, bulk_api)
    draft = _start(client, leaver)
    select = f"/transfers/new/{draft.id}/"
    wait_for_text(lambda: client.get(select).content.decode(), "workflows selected")
    client.post(select, {"action": "continue"})
    client.post(
        f"/transfers/new/{draft.id}/choices/",
        {"mode": "suggested", "new_owner": f"user:{fallback.id}"},
    )
    draft.refresh_from_db()
    assert len(draft.selected) >= MANY
    check = f"/transfers/new/{draft.id}/check/"
    bulk_api.reset_requests()
    calls: list = []
    pages: list[str] = []

    def check_page() -> str:
        before = len(console_calls)
        pages.append(client.get(check).content.decode())
        calls.extend(console_calls[before:])
        return pages[-1]

    step = wait_for_text(check_page, "to their new owners</button>")

    assert "Working out who already manages each workflow" in pages[0]
    assert calls == []  # every request of the check page, the first included
    assert bulk_api.requests_by_route()["GET /workflows/{id}/shares"] >= MANY  # the worker's
    draft.refresh_from_db()
    expected = suggested_owners(admin, draft.selected, leaving_id=leaver.id)
    assert draft.choices["suggestions"] == {
        str(wid): [s.person_id, s.person_name] if s.person_id else None
        for wid, s in expected.items()
    }
    # Names of their own: no "#id" after them (only two of the same name are told apart so).
    assert f"#{ids[1]}<" not in step
    row = re.search(r">Reads suggested 001</span></td><td>([^<]+)</td>", step)
    assert row and row.group(1) == manager.name
    assert f"Move {len(draft.selected)} workflows to their new owners" in step


def wait_for_text(read, text: str) -> str:
    from tests.helpers import wait_for

    return wait_for(read, lambda page: text in page, seconds=120)


def test_the_page_says_how_far_the_read_has_got_and_shows_the_step_once_done(
    client, bulk_api, asked
):
    person = bulk_api.people["jwashington"]
    bulk_api.make_workflows(person.username, 1, "Reads words")
    _sign_in_admin(client, bulk_api)
    draft = _start(client, person)
    assert len(asked) == 1 and asked[0][:2] == (draft.id, reads.OWNED)
    planned = reads.Plan.from_json(draft.choices["owned_read"])
    url = f"/transfers/new/{draft.id}/"

    listing = client.get(url).content.decode()
    assert "Looking at Jamal Washington&#x27;s workflows" in listing
    assert "Listing the workflows of Jamal Washington that you can see…" in listing
    cache.set(planned.key, {"state": "running", "done": 120, "total": 400}, 60)
    page = client.get(url).content.decode()
    assert "Looking at 120 of 400 workflows…" in page
    assert 'hx-trigger="every 1s"' in page and "Move workflows · Step 2 of 5" in page
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="wizard-read">')
    assert "HX-Request" in fragment["Vary"]
    cache.set(planned.key, {"state": "running", "done": 0, "total": 1}, 60)
    assert "Looking at 0 of 1 workflow…" in client.get(url).content.decode()
    assert client.post(url, {"action": "all"})["Location"] == url  # nothing to choose yet
    assert client.get(f"/transfers/new/{draft.id}/choices/")["Location"] == url

    reads.run(draft.id, reads.OWNED, asked[0][2])  # what the worker does
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == url  # the poll loads the step as a whole page
    step = client.get(url).content.decode()
    assert "data-read-refresh" not in step and "Reads words 000" in _every_page(client, url)
    assert len(asked) == 1


def test_the_check_page_waits_for_what_the_moved_workflows_use(client, bulk_api, asked):
    person, heir = bulk_api.people["jwashington"], bulk_api.people["egarcia"]
    bulk_api.make_workflows(person.username, 1, "Reads check")
    _sign_in_admin(client, bulk_api)
    draft = _start(client, person)
    reads.run(*asked[0])
    client.post(f"/transfers/new/{draft.id}/", {"action": "continue"})
    client.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
    )
    client.get(f"/transfers/new/{draft.id}/access/")
    reads.run(*asked[1])
    client.post(f"/transfers/new/{draft.id}/access/", {})
    url = f"/transfers/new/{draft.id}/check/"

    page = client.get(url).content.decode()

    assert [args[1] for args in asked] == [reads.OWNED, reads.LEAVER, reads.CLOSED]
    assert "Looking at what each workflow uses that the new owner can&#x27;t open yet…" in page
    assert 'hx-trigger="every 1s"' in page and "<button" not in page.split("check-plan")[1]
    draft.refresh_from_db()
    planned = reads.Plan.from_json(draft.choices["closed_read"])
    cache.set(planned.key, {"state": "running", "done": 3, "total": 10}, 60)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "open yet: 3 of 10 workflows…" in fragment
    reads.run(*asked[2])
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and f"Make {heir.name} the owner of" in done
    assert "Looking at what each workflow uses" not in done
    draft.refresh_from_db()
    assert "closed" in draft.choices and "closed_read" not in draft.choices  # kept, asked once
    assert len(asked) == 3


def test_a_second_open_while_the_read_runs_joins_it(client, bulk_api, asked):
    person = bulk_api.people["gthompson"]
    bulk_api.make_workflows(person.username, 1, "Reads join")
    _sign_in_admin(client, bulk_api)

    first = _start(client, person)
    second = _start(client, person)  # a second wizard for the same person: the same read
    client.get(f"/transfers/new/{first.id}/")
    client.get(f"/transfers/new/{second.id}/")

    assert [args[:2] for args in asked] == [(first.id, reads.OWNED)]
    reads.run(*asked[0])
    for draft in (first, second):
        page = client.get(f"/transfers/new/{draft.id}/").content.decode()
        assert "data-read-refresh" not in page
        assert "Reads join 000" in _every_page(client, f"/transfers/new/{draft.id}/")
    assert len(asked) == 1


def test_a_read_that_failed_says_so_and_can_be_tried_again(client, bulk_api, asked):
    person = bulk_api.people["jwashington"]
    bulk_api.make_workflows(person.username, 1, "Reads again")
    _sign_in_admin(client, bulk_api)
    draft = _start(client, person)
    url = f"/transfers/new/{draft.id}/"
    client.logout()  # the read acts as the viewer's session: gone, it stops and says why
    _sign_in_admin(client, bulk_api)

    assert reads.run(*asked[0]) == reads.FAILED
    page = client.get(url).content.decode()
    assert "The look stopped because you signed out" in page and "data-read-refresh" not in page
    assert f'href="{url}?again=1"' in page
    assert len(asked) == 1
    client.get(url + "?again=1")
    assert len(asked) == 2  # a new read, as this session
    assert reads.run(*asked[1]) == reads.DONE
    assert "data-read-refresh" not in client.get(url).content.decode()
    assert "Reads again 000" in _every_page(client, url)


def test_a_suggestions_read_that_failed_says_so_on_the_check_page_and_can_be_tried_again(
    client, bulk_api, asked
):
    person, fallback = bulk_api.people["jwashington"], bulk_api.people["egarcia"]
    bulk_api.make_workflows(person.username, 1, "Reads suggested again")
    _sign_in_admin(client, bulk_api)
    draft = _start(client, person)
    reads.run(*asked[0])
    client.post(f"/transfers/new/{draft.id}/", {"action": "continue"})
    client.post(
        f"/transfers/new/{draft.id}/choices/",
        {"mode": "suggested", "new_owner": f"user:{fallback.id}"},
    )
    url = f"/transfers/new/{draft.id}/check/"
    client.get(url)
    assert asked[-1][1] == reads.SUGGESTED
    client.logout()  # the read acts as the viewer's session: gone, it stops and says why
    _sign_in_admin(client, bulk_api)

    assert reads.run(*asked[-1]) == reads.FAILED
    page = client.get(url).content.decode()
    assert "The look stopped because you signed out" in page
    assert f'href="{url}?again=1"' in page and "every 1s" not in page
    assert "<button" not in page.split("check-plan")[1]  # nothing to confirm yet
    client.get(url + "?again=1")
    assert asked[-1][1] == reads.SUGGESTED and len(asked) == 3  # a new read, as this session
    assert reads.run(*asked[-1]) == reads.DONE
    client.get(url)
    assert asked[-1][1] == reads.CLOSED
    reads.run(*asked[-1])
    assert "to their new owners</button>" in client.get(url).content.decode()


@pytest.mark.browser
def test_in_chromium_the_page_shows_progress_then_the_step_by_itself(
    live_server, page, bulk_api, bulk_queue_worker
):
    from playwright.sync_api import expect

    from tests.bulk.test_journey import choose

    leaver = bulk_api.people["blindqvist"]
    bulk_api.make_workflows(leaver.username, MANY, "Reads browser")
    bulk_api.configure(latency_ms=300)  # the worker's read takes seconds: progress is shown
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(bulk_api.admin_key)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/transfers/new/")
    choose(page, "Whose workflows?", "Lindq", leaver.name)
    page.get_by_role("button", name="List their workflows").click()

    expect(
        page.get_by_role("heading", name=f"Looking at {leaver.name}'s workflows")
    ).to_be_visible()
    expect(page.locator("#wizard-read-words")).to_have_text(re.compile(r"^(Listing|Looking at)"))
    page.screenshot(path="/tmp/bulk-reading.png", full_page=True)
    # No reload: the poll that finds the read done loads the step.
    expect(page.get_by_text(re.compile(r"^\d+ workflows selected"))).to_be_visible(timeout=120_000)
    draft = BulkDraft.objects.latest("id")
    assert draft.source_id == leaver.id and len(draft.candidates) >= MANY


def test_a_finished_jobs_page_asks_upstream_for_none_a_worker_looks_what_the_leaver_still_opens(
    client, bulk_api, bulk_queue_worker, console_calls
):
    """The page of a finished offboarding job that removed the leaver's access made one
    `list_shares` per item and one `get_group` per group in its request (cached 5 minutes):
    now a worker looks (reads.AFTERWARDS), and the page's requests make no call."""

    from tests.helpers import wait_for
    from workflows_app.bulk.candidates import still_opens

    leaver, heir = bulk_api.people["dvolkov"], bulk_api.people["gthompson"]
    ids = bulk_api.make_workflows(leaver.username, 30, "Reads afterwards")
    admin = bulk_api.admin
    group = next(  # one the leaver is in, so the page names it
        (
            g
            for g in admin.search_groups(limit=50).items
            if leaver.id in {m.id for m in admin.get_group(g.id).members}
        ),
        admin.search_groups(limit=50).items[0],
    )
    bulk_api.client_of(leaver.username).put_shares_groups(ids[0], [group.id], "read")
    job = _finished_offboarding(client, bulk_api, leaver, heir, ids)
    url = f"/transfers/{job.id}/"
    bulk_api.reset_requests()
    calls: list = []
    pages: list[str] = []

    def job_page() -> str:
        before = len(console_calls)
        pages.append(client.get(url).content.decode())
        calls.extend(console_calls[before:])
        return pages[-1]

    wait_for(job_page, lambda page: "Next step" in page, seconds=120)

    assert calls == []  # every request of the page, the first included
    assert f"Looking at what {leaver.name} can still open" in pages[0]
    assert 'hx-trigger="every 1s"' in pages[0]
    assert bulk_api.requests_by_route()["GET /workflows/{id}/shares"] >= len(ids)  # the worker's
    opened, groups = still_opens(admin, leaver.id, ids)
    if opened:
        assert f"{len(opened)} of the workflows in this job" in pages[-1]
        assert all(name in pages[-1] for name in groups)
    else:
        assert "None of these workflows" in pages[-1]
    fragment = client.get(url + "?afterwards=1", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section class="bulk-afterwards" id="job-afterwards"')
