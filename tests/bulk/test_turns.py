"""One running bulk job per person: three jobs started at once run one after another (the
others wait, said on their page and the list), each started by itself when the one before it
ends or is cancelled; nobody else's job waits for them."""

import pytest

from tests.bulk.conftest import start_transfer, wait_until
from workflows_app.bulk import jobs, runner, turns
from workflows_app.bulk.tasks import run_bulk_job
from workflows_app.models.bulk import BulkJob
from workflows_app.words import bulk as bulk_words

WAITING_WORDS = "Waiting for your earlier job to finish"


def states(*jobs_):
    return [BulkJob.objects.get(id=job.id).state for job in jobs_]


@pytest.mark.celery
def test_three_jobs_of_one_person_run_one_at_a_time_and_all_finish(
    client, bulk_api, console_admin, start_worker, bulk_queue
):
    source, target = bulk_api.people["aokafor"], bulk_api.people["gthompson"]
    ids = bulk_api.make_workflows(source.username, 9, "Turns")
    started = [start_transfer(bulk_api, console_admin, ids[n : n + 3], target) for n in (0, 3, 6)]

    assert states(*started) == ["running", "waiting", "waiting"]
    assert bulk_words.WAITING_FOR_EARLIER_JOB.startswith(WAITING_WORDS)
    assert client.post("/sign-in/", {"api_key": bulk_api.admin_key}).status_code == 302
    listing = client.get("/transfers/").content.decode()
    assert listing.count(WAITING_WORDS) == 2
    waiting_page = client.get(f"/transfers/{started[2].id}/").content.decode()
    assert WAITING_WORDS in waiting_page and "Cancel this job" in waiting_page
    assert WAITING_WORDS not in client.get(f"/transfers/{started[0].id}/").content.decode()

    # Slow calls, so that a second job starting early would be seen running beside the first.
    bulk_api.configure(latency_ms=150)
    start_worker("turns")
    run_bulk_job.apply_async((started[0].id,), queue=bulk_queue)
    most_running = 0

    def all_finished() -> bool:
        nonlocal most_running
        now = states(*started)
        most_running = max(most_running, now.count("running"))
        return now == ["finished"] * 3

    wait_until(all_finished, 180, step=0.05)
    bulk_api.configure(latency_ms=0)

    assert most_running == 1
    done = [BulkJob.objects.get(id=job.id) for job in started]
    assert [job.done_count for job in done] == [3, 3, 3]
    # Each started only once the one before it had finished.
    assert done[1].started_at >= done[0].finished_at
    assert done[2].started_at >= done[1].finished_at
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}


def test_cancelling_the_running_job_starts_the_next_and_a_waiting_job_can_be_cancelled(
    client, bulk_api, console_admin, monkeypatch
):
    sent = []
    monkeypatch.setattr(run_bulk_job, "delay", lambda job_id, chain: sent.append((job_id, chain)))
    source, target = bulk_api.people["cbellini"], bulk_api.people["imoreau"]
    ids = bulk_api.make_workflows(source.username, 3, "Turns cancel")
    first, second, third = (start_transfer(bulk_api, console_admin, [i], target) for i in ids)
    assert client.post("/sign-in/", {"api_key": bulk_api.admin_key}).status_code == 302

    # A waiting job is cancelled without starting anything.
    assert client.post(f"/transfers/{third.id}/cancel/").status_code == 302
    assert states(first, second, third) == ["running", "waiting", "cancelled"]
    assert sent == []

    client.post(f"/transfers/{first.id}/cancel/")

    second.refresh_from_db()
    assert states(first, second) == ["cancelled", "running"]
    assert sent == [(second.id, second.chain)] and second.chain
    assert runner.run_slice(second.id, chain=second.chain).again_in is None
    assert states(second) == ["finished"]
    assert bulk_api.owner_of(ids[1]) == target.id
    assert {bulk_api.owner_of(i) for i in (ids[0], ids[2])} == {source.id}


def test_the_sweeper_starts_a_waiting_job_whose_turn_came_without_a_message(
    bulk_api, console_admin, django_user_model
):
    source, target = bulk_api.people["dvolkov"], bulk_api.people["blindqvist"]
    ids = bulk_api.make_workflows(source.username, 2, "Turns sweep")
    first, second = (start_transfer(bulk_api, console_admin, [i], target) for i in ids)
    # Someone else's job does not wait for this person's.
    other = django_user_model.objects.create(username="someone-else")
    theirs = start_transfer(bulk_api, other, [ids[1]], target)
    assert states(first, second, theirs) == ["running", "waiting", "running"]
    # The first job ends outside a task (as when the sweeper finishes it): no one said so.
    runner.run_slice(first.id)
    assert states(first, second) == ["finished", "waiting"]

    kicked = []
    assert turns.start_waiting(lambda job_id, chain: kicked.append((job_id, chain))) == 1

    second.refresh_from_db()
    assert second.state == "running" and kicked == [(second.id, second.chain)]
    assert turns.start_waiting(kicked.append) == 0  # once only
    assert runner.run_slice(second.id, chain=second.chain).again_in is None
    wait_until(lambda: states(second) == ["finished"], 10)
    assert jobs.cancel(BulkJob.objects.get(id=theirs.id))
