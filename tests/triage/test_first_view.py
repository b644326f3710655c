"""The first view after signing in tells the truth: a person's own workflows are watched by that
very view, before the refresh engine has read any of them, and a failed run of theirs is on the
page at once, never "Nothing is failing". Workflows the view could not read yet are named as
not looked at, and the lists ask again by themselves until the engine has read them."""

import pytest

from workflows_app.models import TrackedWorkflow, Watch
from workflows_app.triage import sections

from .conftest import ONE_JOB, beat, run_and_wait

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_X_CONSOLE_POLL": "1"}


@pytest.fixture
def failed_workflow(actor, levers):
    """Ada's workflow whose last run failed on the platform before she signs in."""
    owner = actor("aokafor")
    workflow = owner.api.post_workflow("Monday vendor load", definition=ONE_JOB)
    levers.fail(workflow.id)
    failed = run_and_wait(owner, workflow.id)
    assert failed.state == "failed"
    return owner, workflow, failed


def test_the_first_view_after_signing_in_shows_the_failed_run(failed_workflow, signed_in_as):
    owner, workflow, failed = failed_workflow
    assert not TrackedWorkflow.objects.filter(workflow_id=workflow.id).exists()

    html = signed_in_as(owner).get("/").content.decode()  # no beat in between

    assert "Nothing is failing" not in html
    assert "From the 0 workflows" not in html
    watched = Watch.objects.filter(account__civis_user_id=owner.person.id).count()
    assert f"From the {watched} workflows you watch" in html
    episode = html.split('id="failing-heading"')[1].split('id="waiting-heading"')[0]
    assert "Monday vendor load" in episode
    assert "These tasks failed: load." in episode
    assert f"/workflows/{workflow.id}/executions/{failed.id}/" in episode
    # The view's read was the engine's first read: no tick reads it again this interval.
    tracked = TrackedWorkflow.objects.get(workflow_id=workflow.id)
    assert tracked.read_at is not None and tracked.next_read_at is not None


def test_workflows_not_read_yet_are_named_and_the_lists_fill_in_by_themselves(
    failed_workflow, signed_in_as, monkeypatch
):
    """When the view cannot read them all (here: none), it says it is still looking, and its
    lists ask again until the engine has read them; then they show the failure and stop."""
    owner, workflow, failed = failed_workflow
    monkeypatch.setattr(sections, "FIRST_READS", 0)
    browser = signed_in_as(owner)

    first = browser.get("/").content.decode()

    assert "Nothing is failing" not in first
    assert "for the first time" in first and "Still looking at" in first
    assert 'hx-trigger="every' in first and "data-first-look" in first
    again = browser.get("/", **HTMX)
    assert again.status_code == 200 and "HX-Request" in again["Vary"]
    assert "Still looking at" in again.content.decode()

    beat()  # the engine reads them, as beat would
    swapped = browser.get("/", **HTMX).content.decode()

    assert swapped.lstrip().startswith('<div id="front-sections"')  # the lists alone
    assert "<html" not in swapped
    assert "Monday vendor load" in swapped and "These tasks failed: load." in swapped
    assert f"/workflows/{workflow.id}/executions/{failed.id}/" in swapped
    assert "for the first time" not in swapped and "Still looking at" not in swapped
    assert "hx-trigger" not in swapped.split(">", 1)[0]  # read: it stops asking
