"""The refresh engine against civis_local, run as beat runs it: a failure opens one episode
(one notice, one email), more failures do not email again, an acknowledgement hides it until it
gets worse, and a success closes it as recovered with one recovery notice."""

import pytest

from workflows_app.models import FailureEpisode, IndexedExecution, Notification, Watch

from .conftest import ONE_JOB, beat, run_and_wait

pytestmark = pytest.mark.django_db(transaction=True)


def test_failure_episode_from_first_failure_to_recovery(
    actor, signed_in_as, levers, mailoutbox, settings
):
    settings.CONSOLE_BASE_URL = "https://console.example.org/"
    owner = actor("aokafor")
    client = signed_in_as(owner)
    workflow = owner.api.post_workflow("Nightly load", definition=ONE_JOB)
    # Opening their own workflow's page: watched by default (failures and recovery).
    page = client.get(f"/workflows/{workflow.id}/")
    assert "Failures and recovery" in page.content.decode()
    watch = Watch.objects.get(account__civis_user_id=owner.person.id, workflow_id=workflow.id)
    assert watch.by_default and watch.mode == "failures"

    beat()  # the first read: nothing has run yet
    levers.fail(workflow.id)
    failed = run_and_wait(owner, workflow.id)
    assert failed.state == "failed"
    beat()
    episode = FailureEpisode.objects.get(workflow_id=workflow.id)
    assert episode.is_open and episode.failed_runs == 1
    # The run index (/executions/) rides on the same read: no sweep of its own.
    indexed = IndexedExecution.objects.get(account=watch.account, execution_id=failed.id)
    assert indexed.state == "failed" and indexed.workflow_name == "Nightly load"
    notices = Notification.objects.filter(workflow_id=workflow.id, user__civis=watch.account)
    assert [n.reason for n in notices] == ["failed"]
    assert "Nightly load failed: These tasks failed: load." in notices[0].text
    assert len(mailoutbox) == 1
    assert f"https://console.example.org/workflows/{workflow.id}/executions/{failed.id}/" in (
        mailoutbox[0].body
    )

    # A second failure: the same episode, no second email.
    again = run_and_wait(owner, workflow.id)
    beat()
    episode.refresh_from_db()
    assert episode.failed_runs == 2 and episode.last_execution_id == again.id
    assert len(mailoutbox) == 1
    assert notices.count() == 1

    # Acknowledge with a note: hidden from the front page until it gets worse.
    front = client.get("/")
    assert "Nightly load" in front.content.decode() and "2 failed runs in a row" in (
        front.content.decode()
    )
    client.post(f"/triage/episodes/{episode.id}/acknowledge/", {"note": "vendor file is late"})
    episode.refresh_from_db()
    assert episode.acknowledged and episode.note == "vendor file is late"
    front = client.get("/").content.decode()
    assert f'id="episode-{episode.id}"' not in front
    assert f'id="acknowledged-{episode.id}"' in front and "vendor file is late" in front
    # Undo, then acknowledge again.
    client.post(f"/triage/episodes/{episode.id}/undo/")
    assert f'id="episode-{episode.id}"' in client.get("/").content.decode()
    client.post(f"/triage/episodes/{episode.id}/acknowledge/", {"note": "still late"})
    # The acknowledgement shows on the pages of the episode's runs.
    run_page = client.get(f"/workflows/{workflow.id}/executions/{again.id}/").content.decode()
    assert "Part of a run of failures" in run_page and "still late" in run_page

    # A success closes it as recovered, with one recovery notice.
    levers.succeed(workflow.id)
    ok = run_and_wait(owner, workflow.id)
    assert ok.state == "succeeded"
    beat()
    beat()
    episode.refresh_from_db()
    assert not episode.is_open and episode.recovered_execution_id == ok.id
    recovered = notices.filter(reason="recovered")
    assert recovered.count() == 1 and "recovered at" in recovered[0].text
    assert len(mailoutbox) == 1  # one email per episode
