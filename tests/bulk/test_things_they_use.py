"""What a moved workflow uses, through the offboarding wizard and its job (usability walkthrough,
session 4): the check page names each thing by its kind and name (not "scripts/containers 24"),
and a job that could not share what it was asked to share says "Done, with problems", what
stayed closed and who can share it, on its page and in its summary email; never "All done".

The actors are the seed's: Priya Shah (IT Operations) runs the handover with her own key; she
manages the leaver's workflows but not the jobs they run, which only their owner (or an admin)
can share. A workflow they run that her group manages, she can share."""

from types import SimpleNamespace

import pytest
import requests
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.bulk.conftest import BulkWorker
from tests.bulk.test_wizard_reads import _calls_of, _start, wait_for_text
from tests.helpers import wait_for
from workflows_app.bulk import notify
from workflows_app.models.bulk import BulkDraft, BulkJob, Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bulk_queue_worker(bulk_api):
    """A real worker on the bulk queue: the wizard's reads and the job's slices go there."""
    worker = BulkWorker(settings.BULK_QUEUE, "things-they-use")
    yield worker
    worker.stop()


def _a_job_of(api, readable_by_priya: bool, skip: set[int]) -> tuple[int, int]:
    """(job id, id of the seed workflow that runs it): a job nobody shared with Priya, whose
    workflow her group has no share on; with `readable_by_priya`, that workflow is shared with
    her to read, through which the local API lets her read the job (not manage it)."""
    admin, priya = api.admin, api.people["pshah"]
    for username in ("aokafor", "blindqvist", "cbellini", "egarcia"):
        for workflow in admin.list_workflows(author=str(api.people[username].id), limit=50).items:
            shares = admin.list_shares(workflow.id)
            if shares.groups and any(g.name == "IT Operations" for g in shares.groups):
                continue
            if any(u.id == priya.id for u in shares.users):
                continue
            for thing in admin.list_dependencies(workflow.id):
                if (thing.fco_type or "").startswith("scripts/") and thing.id not in skip:
                    if readable_by_priya:
                        admin.put_shares_users(workflow.id, [priya.id], "read")
                    return thing.id, workflow.id
    raise AssertionError("the seed has no job to use")


def _definition(job_ids: list[int], child_id: int) -> str:
    tasks = "".join(
        f"    load_{n}:\n      action: civis.run_job\n      input:\n        job_id: {job_id}\n"
        for n, job_id in enumerate(job_ids)
    )
    child = (
        "    refresh:\n      action: civis.workflows.execute\n"
        f"      input:\n        workflow_id: {child_id}\n"
    )
    return f"version: '2.0'\nmain:\n  type: direct\n  tasks:\n{tasks}{child}"


@pytest.fixture
def handover(client, bulk_api, bulk_queue_worker, console_calls):
    """Priya moves three of Kirsten's workflows to Hana through the wizard, sharing what they
    use, and the job runs to its end: "Things they use: nightly" runs a job Priya can read, a
    job hidden from her (neither of which she can share) and a workflow her group manages.
    The check page as it was first complete, and the calls its polls made, are kept."""
    admin = bulk_api.admin
    leaver, heir, priya = (bulk_api.people[u] for u in ("knorgaard", "htanaka", "pshah"))
    it_group = next(g for g in admin.search_groups(limit=50).items if g.name == "IT Operations")
    named_job, _ = _a_job_of(bulk_api, readable_by_priya=True, skip=set())
    hidden_job, _ = _a_job_of(bulk_api, readable_by_priya=False, skip={named_job})
    job = requests.get(
        f"{bulk_api.url}jobs/{named_job}",
        headers={"Authorization": f"Bearer {bulk_api.admin_key}"},
        timeout=10,
    ).json()
    job_name, job_owner = job["name"], job["author"]["name"]
    (child,) = bulk_api.make_workflows("gthompson", 1, "Things child refresh")
    admin.put_shares_groups(child, [it_group.id], "manage")  # Priya manages it through a group
    child_name = admin.get_workflow(child).name
    as_leaver = bulk_api.client_of(leaver.username)
    uses = as_leaver.post_workflow(
        "Things they use: nightly", definition=_definition([named_job, hidden_job], child)
    ).id
    twins = bulk_api.make_workflows(leaver.username, 2, "Things twin")
    for workflow_id in twins:  # two workflows of the same name: told apart by their ids
        as_leaver.patch_workflow(workflow_id, name="Things twin")
    for workflow_id in (uses, *twins):
        as_leaver.put_shares_users(workflow_id, [priya.id], "manage")

    assert client.post("/sign-in/", {"api_key": bulk_api.key_of("pshah")}).status_code == 302
    draft = _start(client, leaver)
    select = f"/transfers/new/{draft.id}/"
    wait_for_text(lambda: client.get(select).content.decode(), "workflows selected")
    draft.refresh_from_db()
    assert {uses, *twins} <= set(draft.selected)
    # Just these three: other tests on the same local API may have given Kirsten more that
    # Priya manages.
    mine = [uses, *twins]
    client.post(select, {"action": "none"})
    client.post(select, {"shown": mine, "chosen": mine, "action": "continue"})
    draft.refresh_from_db()
    assert sorted(draft.selected) == sorted(mine)
    client.post(
        f"/transfers/new/{draft.id}/choices/",
        {"mode": "one", "new_owner": f"user:{heir.id}", "include_dependencies": "on"},
    )
    access = f"/transfers/new/{draft.id}/access/"
    wait_for_text(lambda: client.get(access).content.decode(), f"Remove {leaver.name}")
    client.post(access, {})
    check = f"/transfers/new/{draft.id}/check/"
    polls: list = []

    def check_page() -> str:
        page: list = []
        polls.extend(_calls_of(console_calls, lambda: page.append(client.get(check))))
        return page[0].content.decode()

    check_seen = wait_for_text(check_page, f"Make {heir.name} the owner of 3 workflows</button>")
    started = client.post(check)
    job = BulkJob.objects.get(title__startswith=f"Move 3 workflows owned by {leaver.name}")
    wait_for(lambda: BulkJob.objects.get(id=job.id).state, lambda s: s == "finished", 120)
    return SimpleNamespace(
        job=job, draft=draft, started=started, check_page=check_seen, polls=polls,
        leaver=leaver, heir=heir, priya=priya, uses=uses, twins=twins, child=child,
        child_name=child_name, named_job=named_job, hidden_job=hidden_job, job_name=job_name,
        job_owner=job_owner,
    )  # fmt: skip


def test_the_check_page_names_what_it_uses_and_the_job_says_what_it_could_not_share(
    client, bulk_api, handover, settings
):
    h, admin = handover, bulk_api.admin
    heir, job, uses, twins, child = h.heir, h.job, h.uses, h.twins, h.child
    named_job, hidden_job, job_name, job_owner = h.named_job, h.hidden_job, h.job_name, h.job_owner
    page, polls = h.check_page, h.polls

    assert polls == []  # the names were read by the worker, not by the page's requests
    assert "scripts/containers" not in page and f"workflows {child}" not in page
    assert f"Job: {job_name}" in page
    assert f"(you can't share it: {job_owner} owns it)" in page
    assert f"a job you cannot open (id {hidden_job})" in page
    assert f'<a href="/workflows/{child}/">Workflow: {h.child_name}</a>' in page
    assert "you cannot share any of them" not in page  # the child workflow she can share
    assert "2 you cannot share stay closed to them" in page
    assert f"#{uses}<" not in page  # a name of its own needs no id
    assert all(f"#{twin}</span>" in page for twin in twins)

    assert h.started["Location"] == f"/transfers/{job.id}/"
    page = client.get(f"/transfers/{job.id}/").content.decode()

    assert "All done" not in page
    assert "Done, with problems" in page
    assert "for 1 workflow something you asked for did not happen" in page
    row = page.split(f'href="/workflows/{uses}/"')[1].split("</tr>")[0]
    assert "Done, with problems" in row
    assert "1 thing it uses was shared with them." in row  # the child workflow, via her group
    assert f"2 things it uses were not shared with {heir.name}" in row
    assert f"Job: {job_name} (owned by {job_owner})" in row
    assert f"a job you cannot open (id {hidden_job})" in row
    assert "You cannot share them: ask someone who manages them" in row
    for twin in twins:
        twin_row = page.split(f'href="/workflows/{twin}/"')[1].split("</tr>")[0]
        assert "Done, with problems" not in twin_row and "</span> Done</strong>" in twin_row
    opened = {d.id: d.permission_level for d in admin.list_dependencies(uses, user_id=heir.id)}
    assert opened == {named_job: None, hidden_job: None, child: "manage"}

    # The summary says the same: sent again here, where the test can read the email.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    BulkJob.objects.filter(id=job.id).update(summary_sent_at=None)
    assert notify.send_summary(job.id)
    (sent,) = mail.outbox
    assert "3 of 3 done, 1 with problems." in sent.body
    assert "For 1 workflow, something you asked for did not happen:" in sent.body
    assert f"- Things they use: nightly: 2 things it uses were not shared with {heir.name}" in (
        sent.body
    )
    assert f"a job you cannot open (id {hidden_job})" in sent.body
    notice = Notification.objects.get(link=f"/transfers/{job.id}/")
    assert notice.level == Notification.Level.WARNING and "1 with problems" in notice.text
    assert not BulkDraft.objects.filter(id=h.draft.id).exists()


def test_the_new_owner_is_told_on_the_workflow_page_what_stayed_closed_to_them(
    client, bulk_api, handover, console_calls
):
    h, pages = handover, []
    as_heir = Client()
    assert (
        as_heir.post("/sign-in/", {"api_key": bulk_api.key_of(h.heir.username)}).status_code == 302
    )
    calls = _calls_of(console_calls, lambda: pages.append(as_heir.get(f"/workflows/{h.uses}/")))
    page = pages.pop().content.decode()

    panel = page.split('<section class="notice wf-left-closed"')[1].split("</section>")[0]
    assert "Some things this workflow uses may be closed to you" in panel
    assert "2 things it uses were not shared with you" in panel
    assert f"Job: {h.job_name}</strong>. {h.job_owner} (its owner) or a Civis admin" in panel
    assert (
        f"a job you cannot open (id {h.hidden_job})</strong>. Its owner or a Civis admin" in panel
    )
    assert h.child_name not in panel  # shared with them through the move
    assert f"Moved to you by {h.priya.name}" in panel and "<time datetime=" in panel
    assert f"in the job “{h.job.title}”" in panel
    assert "/transfers/" not in panel  # the job's page is Priya's alone: named, not linked
    assert "for 30 days after the move" in panel
    # The records are the console's own: the page asks the platform what it asked before.
    calls_by_priya = _calls_of(console_calls, lambda: client.get(f"/workflows/{h.uses}/"))
    assert sorted(calls) == sorted(calls_by_priya)

    # Only the new owner is told, and only about the workflow that has things closed.
    assert "wf-left-closed" not in as_heir.get(f"/workflows/{h.twins[0]}/").content.decode()
    assert "wf-left-closed" not in client.get(f"/workflows/{h.uses}/").content.decode()  # Priya
    as_leaver = Client()
    assert (
        as_leaver.post("/sign-in/", {"api_key": bulk_api.key_of(h.leaver.username)}).status_code
        == 302
    )
    assert "wf-left-closed" not in as_leaver.get(f"/workflows/{h.uses}/").content.decode()
