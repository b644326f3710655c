"""The daily digest: a day with 5 failure episodes is one email listing all 5, sent at the time
the person chose in their zone, and never again that day."""

import datetime as dt
import zoneinfo

import pytest

from workflows_app.models import NotificationSettings
from workflows_app.notifications import email

from .conftest import ONE_JOB, beat, run_and_wait

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_day_with_five_episodes_is_one_digest_listing_five(
    actor, signed_in_as, levers, mailoutbox
):
    owner = actor("aokafor")
    client = signed_in_as(owner)
    chosen = client.post(
        "/notifications/settings/",
        {"email": "digest", "digest_time": "08:00", "time_zone": "America/Chicago"},
    )
    assert chosen.status_code == 302
    workflows = [
        owner.api.post_workflow(f"Digest workflow {n}", definition=ONE_JOB) for n in range(5)
    ]
    for workflow in workflows:
        client.post(f"/workflows/{workflow.id}/watch/", {"mode": "failures"})
    beat()
    for workflow in workflows:
        levers.fail(workflow.id)
        run_and_wait(owner, workflow.id)
    beat()
    assert mailoutbox == []  # nothing at once: the digest will carry them

    chicago = zoneinfo.ZoneInfo("America/Chicago")
    tomorrow = dt.datetime.now(chicago).date() + dt.timedelta(days=1)
    before = dt.datetime.combine(tomorrow, dt.time(7, 59), tzinfo=chicago)
    assert email.send_digests(before) == 0
    at = dt.datetime.combine(tomorrow, dt.time(8, 0, 30), tzinfo=chicago)
    assert email.send_digests(at) == 1
    assert email.send_digests(at + dt.timedelta(hours=3)) == 0  # once a day
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "5 things happened" in body and "5 notices" in mailoutbox[0].subject
    for workflow in workflows:
        assert f"{workflow.name} failed" in body
        assert f"/workflows/{workflow.id}/executions/" in body
    assert NotificationSettings.objects.get(account__civis_user_id=owner.person.id).email == (
        "digest"
    )
