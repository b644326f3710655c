"""The front page's failing card says since when as a day and a time in the viewer's zone,
then how long ago: 'Failing since Saturday 06:10 CST (2 days ago)', not 'Failing since 2 days
ago (Sat 28 Nov …)'."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone

from workflows_app.models import FailureEpisode
from workflows_app.words.times import day_time

from .conftest import ONE_JOB, beat, run_and_wait

pytestmark = pytest.mark.django_db(transaction=True)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def test_failing_since_reads_as_a_day_and_a_time(actor, signed_in_as, levers):
    owner = actor("aokafor")
    client = signed_in_as(owner)
    workflow = owner.api.post_workflow("Nightly load", definition=ONE_JOB)
    client.get(f"/workflows/{workflow.id}/")  # watched by default
    beat()
    levers.fail(workflow.id)
    assert run_and_wait(owner, workflow.id).state == "failed"
    beat()
    opened = timezone.now() - dt.timedelta(days=2, minutes=5)
    FailureEpisode.objects.filter(workflow_id=workflow.id).update(opened_at=opened)

    client.cookies["tz"] = "America/Chicago"
    front = client.get("/").content.decode()
    local = opened.astimezone(CHICAGO)
    said = f"{local:%A %H:%M} {local.tzname()} (2 days ago)"
    assert re.search(rf"Failing since <time [^>]*>{re.escape(said)}</time>: 1 failed run", front)


def test_today_and_yesterday_say_so():
    now = dt.datetime(2026, 11, 30, 15, 0, tzinfo=CHICAGO)
    with timezone.override(CHICAGO):
        assert day_time(now - dt.timedelta(hours=9), now) == "06:00 CST"
        assert day_time(now - dt.timedelta(hours=20), now) == "yesterday 19:00 CST"
        assert day_time(now - dt.timedelta(days=2), now) == "Saturday 15:00 CST"
        assert day_time(now - dt.timedelta(days=9), now) == "Sat 21 Nov 2026, 15:00 CST"
