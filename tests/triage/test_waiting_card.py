"""The front page's "Waiting for approval" card (walkthrough screenshot 10): when the run started,
as a time of day in the viewer's zone with how long ago, and, for people who can resume it, a
link to the run's page where "Resume this run" is (no one-click action on the front page)."""

import re
import zoneinfo

import pytest

from tests.helpers import wait_for

from .conftest import PAUSES_FIRST, beat

pytestmark = pytest.mark.django_db(transaction=True)
ZONE = "America/Chicago"


def _waiting_section(html: str) -> str:
    return html.split('id="waiting-heading"')[1].split('id="missed-heading"')[0]


def test_a_paused_run_says_when_it_started_and_links_people_who_can_resume_it(actor, signed_in_as):
    owner, colleague = actor("aokafor"), actor("blindqvist")
    approval = owner.api.post_workflow("Quarterly approval", definition=PAUSES_FIRST)
    owner.api.put_shares_users(approval.id, [colleague.person.id], "read")
    started = owner.api.post_executions(approval.id)
    paused = wait_for(
        lambda: owner.api.get_executions(approval.id, started.id),
        lambda e: e.mistral_state == "paused",
    )
    owner_client, colleague_client = signed_in_as(owner), signed_in_as(colleague)
    owner_client.cookies["tz"] = ZONE
    owner_client.get(f"/workflows/{approval.id}/")  # their own: watched
    colleague_client.post(f"/workflows/{approval.id}/watch/", {"mode": "failures"})
    beat()

    card = _waiting_section(owner_client.get("/").content.decode())

    run_url = f"/workflows/{approval.id}/executions/{paused.id}/"
    local = paused.started_at.astimezone(zoneinfo.ZoneInfo(ZONE))
    assert "Quarterly approval, run" in card
    assert re.search(rf"Started at <time [^>]*>{local:%H:%M} {local.tzname()} \(", card), card
    assert " since " not in card
    link = re.search(r'<a class="button[^"]*" href="([^"]+)">Open the run to resume it', card)
    assert link and link.group(1) == run_url
    # Someone who can only view it is not asked to resume it, nor sent to do so.
    seen = _waiting_section(colleague_client.get("/").content.decode())
    assert "Quarterly approval" not in seen and "Open the run to resume it" not in seen
