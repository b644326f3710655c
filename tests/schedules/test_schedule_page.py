"""The schedule page over a live civis_local: it writes the platform's own schedule fields with
`patch`, refuses a viewer before any change call, warns of a run due within the hour, and
pauses and resumes with one button; bad input changes nothing."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import requests
from django.utils import timezone

from tests.changing import changes, new_workflow, share
from tests.conftest import free_port
from workflows_app.models import AuditEntry

pytestmark = pytest.mark.django_db

WEEKDAYS_7 = {"pattern": "weekdays", "times": "07:00", "time_zone": "Chicago", "action": "save"}


def test_saving_every_weekday_at_seven_chicago_writes_the_platform_fields(
    actor, sign_in, client, console_calls
):
    ada = actor("aokafor")
    workflow = new_workflow(ada, time_zone="UTC")
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/schedule/"
    assert "Not scheduled" in client.get(page).content.decode()

    preview = client.post(page, {**WEEKDAYS_7, "action": "preview"}).content.decode()
    assert "Every weekday at 07:00 (Chicago time)" in preview
    assert "The next five runs with this change" in preview
    assert changes(console_calls, workflow.id) == []

    answer = client.post(page, WEEKDAYS_7)
    assert answer.status_code == 302 and answer["Location"] == f"/workflows/{workflow.id}/"
    saved = ada.api.get_workflow(workflow.id)
    assert saved.time_zone == "America/Chicago"
    assert (saved.schedule.scheduled, saved.schedule.days, saved.schedule.hours) == (
        True, (1, 2, 3, 4, 5), (7,))  # fmt: skip
    assert saved.next_execution_at is not None
    assert changes(console_calls, workflow.id) == [("PATCH", f"/workflows/{workflow.id}")]
    entry = AuditEntry.objects.get(action="patch", object_id=str(workflow.id))
    assert entry.action_words == "Changed a workflow"
    assert entry.detail == "Schedule set to every weekday at 07:00 (Chicago time)"
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert "Every weekday at 07:00 (Chicago time)" in detail
    assert f'href="/workflows/{workflow.id}/schedule/"' in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pattern": "monthly", "days_of_month": "1, 32"}, "There is no 32nd day of a month"),
        ({"time_zone": "Atlantis"}, "We don&#x27;t know a time zone for “Atlantis”"),
    ],
)
def test_bad_input_is_explained_and_nothing_changes(
    actor, sign_in, client, console_calls, data, message
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    answer = client.post(f"/workflows/{workflow.id}/schedule/", {**WEEKDAYS_7, **data})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert changes(console_calls, workflow.id) == []
    assert ada.api.get_workflow(workflow.id).schedule.scheduled is False


def test_a_change_that_moves_a_run_due_within_the_hour_asks_first(
    actor, sign_in, client, console_calls
):
    ada = actor("aokafor")
    soon = timezone.now().astimezone(dt.UTC) + dt.timedelta(minutes=30)
    schedule = {"scheduled": True, "scheduled_hours": [soon.hour],
                "scheduled_minutes": [soon.minute]}  # fmt: skip
    workflow = new_workflow(ada, time_zone="UTC", schedule=schedule)
    sign_in(client, ada)
    later = (soon + dt.timedelta(hours=3)).strftime("%H:%M")
    data = {"pattern": "daily", "times": later, "time_zone": "UTC", "action": "save"}
    page = f"/workflows/{workflow.id}/schedule/"

    warned = client.post(page, data).content.decode()
    assert "This moves a run due within the hour" in warned and "will not happen" in warned
    assert "Save anyway" in warned
    assert changes(console_calls, workflow.id) == []

    assert client.post(page, {**data, "confirm_soon": "yes"}).status_code == 302
    assert ada.api.get_workflow(workflow.id).schedule.minutes == (soon.minute,)  # same minute
    assert ada.api.get_workflow(workflow.id).schedule.hours == ((soon.hour + 3) % 24,)


class ChoiceGroups(HTMLParser):
    """Each part of the page marked data-shown-by: its attributes, text and the names of the
    inputs in it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.groups: list[dict] = []
        self._open: list[tuple[str, dict | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        group = None
        if "data-shown-by" in attrs:
            group = {"attrs": attrs, "text": "", "names": set()}
            self.groups.append(group)
        for _, open_group in self._open:
            if open_group is not None and attrs.get("name"):
                open_group["names"].add(attrs["name"])
        if tag not in ("input", "br", "img", "link", "meta", "hr"):
            self._open.append((tag, group))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, group in self._open:
            if group is not None:
                group["text"] += data


def test_without_javascript_every_group_shows_and_says_which_choice_it_is_for(
    actor, sign_in, client
):
    """The builder's groups of fields are each for some choices of "When should it run?";
    without JavaScript they all show (nothing hidden), each hint naming its choices, and
    carry the choices console.js shows them for."""
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    html = client.get(f"/workflows/{workflow.id}/schedule/").content.decode()
    groups = {frozenset(g["names"]): g for g in ChoiceGroups(html).groups}
    expected = {
        frozenset({"times"}): ("daily weekdays days monthly",
                               'For each choice but "Every few minutes".'),
        frozenset({"days"}): ("days every", 'For "On the days of the week I choose", and '
                              'for "Every few minutes" (none chosen: every day).'),
        frozenset({"days_of_month"}): ("monthly", 'For "On days of the month".'),
        frozenset({"interval", "first_hour", "last_hour"}): (
            "every", 'For "Every few minutes, between two hours".'),
    }  # fmt: skip
    assert set(groups) == set(expected)
    for names, (shown_for, words) in expected.items():
        group = groups[names]
        assert group["attrs"]["data-shown-by"] == "pattern"
        assert group["attrs"]["data-shown-for"] == shown_for
        assert "hidden" not in group["attrs"]
        assert words in " ".join(group["text"].split())
    assert 'name="pattern"' in html and 'name="time_zone"' in html  # for every choice


def test_pause_and_resume_is_one_button(actor, sign_in, client):
    ada = actor("aokafor")
    schedule = {"scheduled": True, "scheduled_days": [1], "scheduled_hours": [6],
                "scheduled_minutes": [0]}  # fmt: skip
    workflow = new_workflow(ada, time_zone="America/Chicago", schedule=schedule)
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/schedule/"
    assert "Pause the schedule" in client.get(page).content.decode()

    client.post(page + "pause/", {"expect": "pause"})
    paused = ada.api.get_workflow(workflow.id)
    assert paused.schedule.scheduled is False and paused.schedule.hours == (6,)
    html = client.get(page).content.decode()
    assert "Paused. When resumed: Every Monday at 06:00 (Chicago time)" in html
    assert "Resume the schedule" in html

    client.post(page + "pause/", {"expect": "pause"})  # a second click of the old button
    assert ada.api.get_workflow(workflow.id).schedule.scheduled is False
    client.post(page + "pause/", {"expect": "resume"})
    assert ada.api.get_workflow(workflow.id).schedule.scheduled is True


def test_a_viewer_sees_no_change_link_and_is_refused_before_any_change_call(
    actor, sign_in, client, console_calls
):
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = new_workflow(ada)
    share(ada, workflow, chiara, "read")
    sign_in(client, chiara)
    console_calls.clear()
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert f"/workflows/{workflow.id}/schedule/" not in detail
    page = f"/workflows/{workflow.id}/schedule/"
    for answer in (client.get(page), client.post(page, WEEKDAYS_7),
                   client.post(page + "pause/", {"expect": "resume"})):  # fmt: skip
        assert answer.status_code == 403
        assert "You can't change this" in answer.content.decode()
    assert changes(console_calls, workflow.id) == []


EVERY_DAY_TWICE = {"pattern": "daily", "times": "06:30, 18:30", "time_zone": "Chicago",
                   "action": "save"}  # fmt: skip
NOT_ANSWERED = "The platform did not answer. Nothing was changed. Try again in a minute."


def test_a_save_the_platform_does_not_answer_shows_the_form_again_filled_in(
    actor, sign_in, client, settings
):
    ada = actor("aokafor")
    workflow = new_workflow(ada, time_zone="UTC")
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/schedule/"
    assert client.get(page).status_code == 200
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"  # civis_local unreachable

    answer = client.post(page, EVERY_DAY_TWICE)
    html = answer.content.decode()
    assert answer.status_code == 503
    summary = html.index('class="error-summary"')
    assert summary < html.index('id="builder"')  # at the top, above the form
    assert NOT_ANSWERED in html[summary:]
    assert "Go to the start" not in html
    assert 'value="06:30, 18:30"' in html  # what the person chose is kept
    assert re.search(r'value="daily"[^>]* checked', html)
    assert 'value="Chicago"' in html
    assert f'action="/workflows/{workflow.id}/schedule/"' in html  # and can be sent again

    assert ada.api.get_workflow(workflow.id).schedule.scheduled is False  # nothing changed


def test_a_save_refused_for_speed_after_the_read_keeps_the_page_and_the_form(
    actor, sign_in, client, local_api
):
    """The workflow is read, then the change itself gets no answer it can use (civis_local's
    request budget spent): the whole page again, its choices and the platform's words."""
    ada = actor("aokafor")
    workflow = new_workflow(ada, time_zone="UTC")
    sign_in(client, ada)
    page = f"/workflows/{workflow.id}/schedule/"
    assert client.get(page).status_code == 200
    configure(local_api, rate_limit="1/120")  # the page's read spends it; the save is refused
    try:
        answer = client.post(page, EVERY_DAY_TWICE)
    finally:
        configure(local_api, rate_limit=None)
    html = answer.content.decode()
    assert answer.status_code == 503
    assert "The platform asked us to slow down. Nothing was changed." in html
    assert workflow.name in html and 'id="now"' in html  # the workflow as read
    assert 'value="06:30, 18:30"' in html
    assert ada.api.get_workflow(workflow.id).schedule.scheduled is False


def configure(api, **levers) -> None:
    requests.post(api.url + "_local/config", json=levers, timeout=5).raise_for_status()
