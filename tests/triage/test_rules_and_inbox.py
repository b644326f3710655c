"""Rules without a platform (running much longer than usual, getting worse after an
acknowledgement) and the inbox's own actions (mark read, the nav count, the filter)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from workflows_app.models import FailureEpisode, Notification
from workflows_app.triage import engine, episodes

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("running_minutes", "usual_minutes", "long"),
    [
        (31, 10, True),  # over 3x and 21 minutes over
        (29, 10, False),  # not over 3x
        (14, 4, True),  # 3.5x and exactly 10 minutes over
        (5, 1, False),  # 5x, but only 4 minutes over
        (60, None, False),  # no history to compare with
    ],
)
def test_running_much_longer_than_usual(running_minutes, usual_minutes, long):
    started = NOW - dt.timedelta(minutes=running_minutes)
    usual = usual_minutes * 60 if usual_minutes is not None else None
    assert engine.running_long(started, usual, NOW) is long


@pytest.mark.django_db
def test_an_acknowledged_episode_comes_back_when_it_gets_worse():
    first = "Failure caused by error in tasks: load\n  load -> Run 12 of job 3 failed"
    episode, opened = episodes.record_failure(7, "Nightly", 100, first, NOW)
    assert opened
    episode.acknowledged_at, episode.acknowledged_runs = NOW, 1
    episode.acknowledged_kind = episode.error_kind
    episode.save()
    # The same kind of error (other run numbers): still acknowledged, until N more failures.
    for n in range(1, episodes.WORSE_AFTER):
        episode, opened = episodes.record_failure(
            7, "Nightly", 100 + n, first.replace("12", "9"), NOW
        )
        assert not opened and episode.acknowledged
    episode, _ = episodes.record_failure(7, "Nightly", 200, first, NOW)
    assert not episode.acknowledged  # WORSE_AFTER more failures
    # A new kind of error brings it back at once.
    episodes.acknowledge(episode, None, "known")  # type: ignore[arg-type]
    episode, _ = episodes.record_failure(7, "Nightly", 201, "Task timed out [timeout(s)=3].", NOW)
    assert not episode.acknowledged
    assert episodes.record_success(7, 202, NOW) == episode
    assert FailureEpisode.objects.get().closed_at == NOW


@pytest.mark.django_db
def test_mark_read_one_and_all_and_the_nav_count(signed_in_client):
    person = get_user_model().objects.get(civis__civis_user_id=signed_in_client.person.id)
    made = [
        Notification.objects.create(
            user=person, reason=reason, text=f"{reason} notice", toast=False
        )
        for reason in ("failed", "recovered", "waiting")
    ]
    count = signed_in_client.get("/notifications/count/", headers={"X-Console-Poll": "1"})
    assert 'data-unread="3"' in count.content.decode()
    assert 'hx-headers=\'{"X-Console-Poll": "1"}\'' in count.content.decode()
    page = signed_in_client.get("/notifications/?reason=waiting").content.decode()
    assert "waiting notice" in page and "failed notice" not in page
    signed_in_client.post("/notifications/read/", {"ids": [made[0].id]})
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    signed_in_client.post("/notifications/read-all/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert timezone.now() >= Notification.objects.get(id=made[1].id).read_at
    page = signed_in_client.get("/notifications/").content.decode()
    assert page.index("waiting notice") < page.index("failed notice")  # newest first


@pytest.mark.django_db
def test_a_page_reads_the_nav_count_and_waiting_toasts_in_one_query(signed_in_client):
    """Issue 13, item 8: every page shows the unread count and any toast waiting; the two
    counts are one query, and the toasts are read only when one waits (it then shows once)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = get_user_model().objects.get(civis__civis_user_id=signed_in_client.person.id)
    Notification.objects.create(user=person, reason="failed", text="unread notice", toast=False)

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = signed_in_client.get("/transfers/").content.decode()
        asked = [q["sql"] for q in queries if "workflows_app_notification" in q["sql"]]
        return html, len(asked)

    html, asked = page()
    assert 'data-unread="1"' in html and asked == 1
    Notification.objects.create(user=person, reason="transfer", text="Your job has finished")
    html, asked = page()
    assert "Your job has finished" in html and 'data-unread="2"' in html
    assert asked == 3  # the counts, the toast, marking it seen
    html, asked = page()
    assert "Your job has finished" not in html and asked == 1
