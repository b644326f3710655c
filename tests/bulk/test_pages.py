"""The transfers pages over a live private local API: the bulk-share and suggested-owner
wizards, the live progress fragment, cancel, the summary notification, and who may see a job.
Jobs are run here by calling the runner (the Celery path has its own tests)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkDraft, BulkItem, BulkJob, Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def enqueued(monkeypatch):
    """Job ids the views hand to Celery; the tests run the runner themselves, so no worker
    (of this or another test) races them."""
    from workflows_app.bulk.tasks import run_bulk_job

    sent = []
    monkeypatch.setattr(run_bulk_job, "delay_on_commit", lambda job_id, chain: sent.append(job_id))
    return sent


@pytest.fixture
def admin_browser(client, bulk_api, enqueued, reads_here):
    response = client.post("/sign-in/", {"api_key": bulk_api.admin_key})
    assert response.status_code == 302, response.content
    return client


def start_wizard(client, person, kind="transfer") -> BulkDraft:
    query = "?kind=share" if kind == "share" else ""
    response = client.post(f"/transfers/new/{query}", {"person": f"user:{person.id}"})
    assert response.status_code == 302, response.content
    # The next page takes what the read found into the draft (done here by `reads_here`).
    assert client.get(response["Location"]).status_code == 200
    return BulkDraft.objects.latest("id")


def select_only(client, draft: BulkDraft, ids: list[int]) -> None:
    url = f"/transfers/new/{draft.id}/"
    client.post(url, {"action": "none"})
    response = client.post(url, {"shown": ids, "chosen": ids, "action": "continue"})
    assert response.status_code == 302
    assert response["Location"] == f"/transfers/new/{draft.id}/choices/"


def confirm(client, draft: BulkDraft) -> BulkJob:
    response = client.post(f"/transfers/new/{draft.id}/check/")
    assert response.status_code == 302
    job = BulkJob.objects.latest("id")
    assert response["Location"] == f"/transfers/{job.id}/"
    assert job.encrypted_key and job.state == "running"
    assert not BulkDraft.objects.filter(id=draft.id).exists()
    return job


def new_owners(check: str) -> dict[str, str]:
    """The check page's table of a move: each workflow's name and its new owner."""
    name = r'<span class="bulk-name">([^<]+)</span>(?: <span class="hint">#\d+</span>)?'
    row = name + r"</td><td>([^<]+)</td>"
    return dict(re.findall(row, check))


def test_give_a_group_access_to_many_workflows_then_take_it_away(admin_browser, bulk_api, enqueued):
    owner = bulk_api.people["aokafor"]
    ids = bulk_api.make_workflows(owner.username, 3, "Pages share")
    group = next(
        g for g in bulk_api.admin.search_groups(limit=50).items if g.name == "Client Services"
    )

    draft = start_wizard(admin_browser, owner, kind="share")
    select_only(admin_browser, draft, ids)
    response = admin_browser.post(
        f"/transfers/new/{draft.id}/choices/",
        {"action": "share", "grantee": f"group:{group.id}", "level": "write"},
    )
    assert response.status_code == 302
    check = admin_browser.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert "Client Services can edit" in check
    assert "Give Client Services access to 3 workflows" in check
    job = confirm(admin_browser, draft)
    assert job.kind == "share" and job.total == 3
    assert enqueued == [job.id]

    runner.run_slice(job.id)

    assert {bulk_api.admin.list_shares(i).level_of_group(group.id) for i in ids} == {"write"}
    page = admin_browser.get(f"/transfers/{job.id}/").content.decode()
    assert "3 of 3 done" in page and "Client Services now can edit." in page

    draft = start_wizard(admin_browser, owner, kind="share")
    select_only(admin_browser, draft, ids)
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/",
        {"action": "revoke", "grantee": f"group:{group.id}", "level": "read"},
    )
    check = admin_browser.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert "Remove Client Services's access to 3 workflows" in check
    job = confirm(admin_browser, draft)
    runner.run_slice(job.id)
    assert {bulk_api.admin.list_shares(i).level_of_group(group.id) for i in ids} == {None}


def test_suggested_owners_are_current_managers_and_the_rest_go_to_the_chosen_person(
    admin_browser, bulk_api
):
    leaving, manager, fallback = (bulk_api.people[u] for u in ("egarcia", "fhaddad", "imoreau"))
    managed, unmanaged = bulk_api.make_workflows(leaving.username, 2, "Pages suggested")
    bulk_api.client_of(leaving.username).put_shares_users(managed, [manager.id], "manage")

    draft = start_wizard(admin_browser, leaving)
    select_only(admin_browser, draft, [managed, unmanaged])
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/",
        {"mode": "suggested", "new_owner": f"user:{fallback.id}", "include_dependencies": "on"},
    )
    check = admin_browser.get(f"/transfers/new/{draft.id}/check/").content.decode()
    names = {i: bulk_api.admin.get_workflow(i).name for i in (managed, unmanaged)}
    assert new_owners(check) == {names[managed]: manager.name, names[unmanaged]: fallback.name}
    assert "Move 2 workflows to their new owners" in check

    job = confirm(admin_browser, draft)
    runner.run_slice(job.id)

    assert bulk_api.owner_of(managed) == manager.id
    assert bulk_api.owner_of(unmanaged) == fallback.id


def test_progress_polls_while_running_and_stops_when_finished(admin_browser, bulk_api):
    owner = bulk_api.people["dvolkov"]
    ids = bulk_api.make_workflows(owner.username, 2, "Pages progress")
    draft = start_wizard(admin_browser, owner)
    select_only(admin_browser, draft, ids)
    target = bulk_api.people["htanaka"]
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{target.id}"}
    )
    job = confirm(admin_browser, draft)

    running = admin_browser.get(f"/transfers/{job.id}/", headers={"HX-Request": "true"})
    assert "HX-Request" in running["Vary"]
    fragment = running.content.decode()
    assert fragment.lstrip().startswith('<section id="job-progress"')
    assert 'hx-trigger="every 2s"' in fragment and "0 of 2 done" in fragment
    poll = re.search(r"<span hidden [^>]*hx-trigger=\"every 2s\"[^>]*>", fragment).group(0)
    assert 'hx-target="#job-progress"' in poll and "X-Console-Poll" in poll
    assert "Cancel this job" in fragment

    runner.run_slice(job.id)
    finished = admin_browser.get(f"/transfers/{job.id}/", headers={"HX-Request": "true"})
    fragment = finished.content.decode()
    assert "hx-trigger" not in fragment and "2 of 2 done" in fragment
    assert '<progress class="bulk-bar" max="2" value="2"' in fragment

    shown = admin_browser.get("/transfers/").content.decode()
    assert "has finished: 2 of 2 done." in shown  # the summary, once
    assert "has finished: 2 of 2 done." not in admin_browser.get("/transfers/").content.decode()
    assert Notification.objects.filter(seen_at__isnull=False).count() == 1


def test_cancel_after_a_check_page_skips_what_has_not_started(admin_browser, bulk_api):
    owner = bulk_api.people["jwashington"]
    ids = bulk_api.make_workflows(owner.username, 3, "Pages cancel")
    draft = start_wizard(admin_browser, owner)
    select_only(admin_browser, draft, ids)
    target = bulk_api.people["knorgaard"]
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{target.id}"}
    )
    job = confirm(admin_browser, draft)

    check = admin_browser.get(f"/transfers/{job.id}/cancel/").content.decode()
    assert "3 workflows not started yet will not be touched." in check
    admin_browser.post(f"/transfers/{job.id}/cancel/")

    job.refresh_from_db()
    assert job.state == "cancelled" and job.encrypted_key == ""
    assert runner.state_counts(job.id) == {"skipped": 3}
    assert {bulk_api.owner_of(i) for i in ids} == {owner.id}
    page = admin_browser.get(f"/transfers/{job.id}/").content.decode()
    assert "Cancelled." in page and "was cancelled: 0 of 3 done, 3 not started." in page
    [email] = mail.outbox
    assert email.to == ["admin@civis-local.test"]
    assert f"http://testserver/transfers/{job.id}/" in email.body


def test_someone_else_cannot_see_or_act_on_your_job(admin_browser, client, bulk_api):
    owner = bulk_api.people["dvolkov"]
    ids = bulk_api.make_workflows(owner.username, 1, "Pages private")
    draft = start_wizard(admin_browser, owner)
    select_only(admin_browser, draft, ids)
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/",
        {"mode": "one", "new_owner": f"user:{bulk_api.people['cbellini'].id}"},
    )
    job = confirm(admin_browser, draft)
    other = get_user_model().objects.create(username="someone-else")
    admin_browser.force_login(other)

    assert admin_browser.get(f"/transfers/{job.id}/").status_code == 404
    assert admin_browser.post(f"/transfers/{job.id}/cancel/").status_code == 404
    assert admin_browser.get("/transfers/").content.decode().count("Pages private") == 0
    jobs_left = BulkJob.objects.get(id=job.id)
    assert jobs_left.state == "running"
    runner.run_slice(job.id)


def test_retry_failed_items_acts_again_with_the_key_of_this_session(
    admin_browser, bulk_api, enqueued
):
    owner, target = bulk_api.people["cbellini"], bulk_api.people["blindqvist"]
    ids = bulk_api.make_workflows(owner.username, 2, "Pages retry")
    draft = start_wizard(admin_browser, owner)
    select_only(admin_browser, draft, ids)
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{target.id}"}
    )
    job = confirm(admin_browser, draft)
    BulkItem.objects.filter(job=job, workflow_id=ids[0]).update(params={"user_id": 999999})
    runner.run_slice(job.id)
    page = admin_browser.get(f"/transfers/{job.id}/").content.decode()
    assert "1 workflow could not be changed." in page and "Retry failed items" in page

    BulkItem.objects.filter(job=job, workflow_id=ids[0]).update(params={})
    response = admin_browser.post(f"/transfers/{job.id}/retry/")

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "running" and job.encrypted_key and enqueued[-1] == job.id
    runner.run_slice(job.id)
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}
    assert "2 of 2 done" in admin_browser.get(f"/transfers/{job.id}/").content.decode()


def choose_one_owner(client, draft: BulkDraft, target) -> None:
    response = client.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{target.id}"}
    )
    assert response.status_code == 302


def test_retry_is_refused_while_the_job_is_still_running(admin_browser, bulk_api, enqueued):
    owner, target = bulk_api.people["cbellini"], bulk_api.people["blindqvist"]
    ids = bulk_api.make_workflows(owner.username, 2, "Pages retry running")
    draft = start_wizard(admin_browser, owner)
    select_only(admin_browser, draft, ids)
    choose_one_owner(admin_browser, draft, target)
    job = confirm(admin_browser, draft)
    BulkItem.objects.filter(job=job, workflow_id=ids[0]).update(state="failed")

    response = admin_browser.post(f"/transfers/{job.id}/retry/", follow=True)

    assert "This job is still running." in response.content.decode()
    assert enqueued == [job.id]  # no second chain
    assert BulkJob.objects.get(id=job.id).chain == job.chain
    assert runner.state_counts(job.id) == {"failed": 1, "pending": 1}


def test_a_check_page_submitted_twice_starts_one_job(
    admin_browser, bulk_api, enqueued, monkeypatch
):
    from workflows_app.bulk import views as transfers

    owner, target = bulk_api.people["dvolkov"], bulk_api.people["imoreau"]
    ids = bulk_api.make_workflows(owner.username, 1, "Pages twice")
    draft = start_wizard(admin_browser, owner)
    select_only(admin_browser, draft, ids)
    choose_one_owner(admin_browser, draft, target)
    jobs_before = BulkJob.objects.count()
    plan = transfers._transfer_plan

    def other_submission_wins(request, draft, **options):
        # The other submission started the job (and deleted the draft) after this one read it.
        planned = plan(request, draft, **options)
        BulkDraft.objects.filter(id=draft.id).delete()
        return planned

    monkeypatch.setattr(transfers, "_transfer_plan", other_submission_wins)

    response = admin_browser.post(f"/transfers/new/{draft.id}/check/", follow=True)

    assert BulkJob.objects.count() == jobs_before and enqueued == []
    assert "This job has already been started." in response.content.decode()


def test_suggested_owners_are_worked_out_by_a_read_while_the_check_page_polls(
    admin_browser, bulk_api, monkeypatch
):
    """Who already manages each workflow is a worker's read (reads.SUGGESTED), as what the
    moved workflows use is: the page's requests ask for no shares, each is asked for once."""
    from workflows_app.bulk import reads
    from workflows_app.bulk.tasks import read_for_wizard

    leaving, manager, fallback = (bulk_api.people[u] for u in ("aokafor", "egarcia", "imoreau"))
    ids = bulk_api.make_workflows(leaving.username, 5, "Pages bounded")
    bulk_api.client_of(leaving.username).put_shares_users(ids[4], [manager.id], "manage")
    draft = start_wizard(admin_browser, leaving)
    select_only(admin_browser, draft, ids)
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/",
        {"mode": "suggested", "new_owner": f"user:{fallback.id}"},
    )
    asked: list[tuple] = []  # from here the test says when the worker's reads run
    monkeypatch.setattr(read_for_wizard, "delay_on_commit", lambda *args: asked.append(args))
    url = f"/transfers/new/{draft.id}/check/"
    shares = "GET /workflows/{id}/shares"
    bulk_api.reset_requests()

    page = admin_browser.get(url).content.decode()

    assert bulk_api.requests_by_route().get(shares, 0) == 0
    assert [args[1] for args in asked] == [reads.SUGGESTED]
    assert "Working out who already manages each workflow: 0 of 5 so far." in page
    assert "Move 5 workflows" not in page and 'hx-trigger="every 1s"' in page
    assert admin_browser.post(url)["Location"] == url  # not until every one is shown
    assert not BulkJob.objects.filter(title__contains=leaving.name).exists()
    fragment = admin_browser.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in fragment["Vary"]
    assert fragment.content.decode().lstrip().startswith('<div id="check-plan">')
    assert "0 of 5 so far" in fragment.content.decode() and len(asked) == 1  # joined
    reads.run(*asked[0])  # what the worker does
    assert bulk_api.requests_by_route()[shares] == 5
    closing = admin_browser.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Looking at what each workflow uses" in closing and asked[1][1] == reads.CLOSED
    reads.run(*asked[1])
    done = admin_browser.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "Move 5 workflows to their new owners" in done
    rows = new_owners(done)
    assert rows["Pages bounded 004"] == manager.name and rows["Pages bounded 000"] == fallback.name
    admin_browser.get(url)
    assert bulk_api.requests_by_route()[shares] == 5  # each asked once, kept in the draft
    assert len(asked) == 2


def test_the_wizard_offers_only_workflows_the_viewer_can_manage(
    client, bulk_api, enqueued, reads_here
):
    viewer, owner = bulk_api.people["knorgaard"], bulk_api.people["fhaddad"]
    managed, readable = bulk_api.make_workflows(owner.username, 2, "Pages manage")
    as_owner = bulk_api.client_of(owner.username)
    as_owner.put_shares_users(managed, [viewer.id], "manage")
    as_owner.put_shares_users(readable, [viewer.id], "read")
    assert (
        client.post("/sign-in/", {"api_key": bulk_api.key_of(viewer.username)}).status_code == 302
    )
    as_viewer = bulk_api.client_of(viewer.username)
    visible = list(as_viewer.iter_workflows(author=str(owner.id), archived="all"))
    levels = {w.id: as_viewer.get_workflow(w.id).my_permission_level for w in visible}

    draft = start_wizard(client, owner)

    offered = {c["id"] for c in draft.candidates}
    assert managed in offered and readable not in offered
    assert offered == {i for i, level in levels.items() if level == "manage"}
    assert draft.not_manageable == len(levels) - len(offered) >= 1
    page = client.get(f"/transfers/new/{draft.id}/").content.decode()
    assert f"Not listed: {draft.not_manageable} other workflow" in page
    assert "Ask their owner or an admin." in page


def test_polls_carry_the_poll_header_on_an_element_with_nothing_inside():
    from pathlib import Path

    polls = 0
    for template in Path("templates/bulk").glob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<(\w+)[^>]*hx-trigger=\"every [^>]*>", text):
            polls += 1
            tag = match.group(0)
            assert """hx-headers='{"X-Console-Poll": "1"}'""" in tag, (template, tag)
            # Inherited by children: no form or button may sit inside the polling element.
            assert match.group(1) == "span" and text[match.end() :].startswith("</span>"), tag
    assert polls == 4  # the job, the wizard's reads, the check page, what the leaver still opens
