"""The console template tags render the presentation pieces, escaped, in the viewer's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import timezone

from workflows_app.civis.types import Execution, Schedule, Task, TaskRun

DEFINITION = """
version: '2.0'
wf:
  tasks:
    '<script>alert(1)</script>':
      on-success: [load]
    load: {join: all, retry: {count: 2}}
"""


def render(source: str, **context) -> str:
    return Template("{% load console %}" + source).render(Context(context))


class StatusTagTests(SimpleTestCase):
    def test_word_icon_and_colour_class_with_the_icon_hidden_from_screen_readers(self):
        html = render("{% status_tag state %}", state="failed")
        self.assertInHTML(
            '<strong class="status-tag status-tag--bad">'
            '<span class="status-tag__icon" aria-hidden="true">✕</span> Failed</strong>',
            html,
        )

    def test_the_kind_changes_what_idle_means(self):
        self.assertIn("Never run", render("{% status_tag 'idle' %}"))
        self.assertIn("Not started", render("{% status_tag 'idle' 'task' %}"))

    def test_a_paused_execution_shows_as_paused_not_running(self):
        execution = Execution.model_validate(
            {"id": 1, "state": "running", "mistralState": "paused"}
        )
        html = render('{% status_tag execution|shown_state "execution" %}', execution=execution)
        self.assertIn("Paused: waiting for someone to resume it", html)

    def test_unknown_states_are_escaped(self):
        html = render("{% status_tag state %}", state="<img src=x onerror=alert(1)>")
        self.assertNotIn("<img", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)


class WordTagTests(SimpleTestCase):
    def test_access_schedule_count_and_duration(self):
        html = render(
            "{{ level|access_words }}|{% schedule_sentence schedule zone %}|"
            "{{ 1|count:'workflow' }}|{{ 24|count:'workflow' }}|{{ 2|count:'person,people' }}|"
            "{{ 252|duration }}",
            level="write",
            schedule=Schedule.from_json(
                {
                    "scheduled": True,
                    "scheduledDays": [1, 2, 3, 4, 5],
                    "scheduledHours": [6, 18],
                    "scheduledMinutes": [0],
                }
            ),
            zone="America/Chicago",
        )
        self.assertEqual(
            html,
            "can edit|Every weekday at 06:00 and 18:00 (Chicago time)|1 workflow|24 workflows|"
            "2 people|4 min 12 s",
        )

    def test_count_accepts_a_list(self):
        self.assertEqual(render("{{ items|count:'task' }}", items=["a", "b", "c"]), "3 tasks")


class TimeTagTests(SimpleTestCase):
    def test_relative_text_with_the_exact_time_in_the_viewers_zone_as_title(self):
        moment = timezone.now() - dt.timedelta(minutes=12)
        with timezone.override(ZoneInfo("America/Chicago")):
            html = render("{% time_tag moment %}", moment=moment)
            exact = f"{timezone.localtime(moment):%H:%M} C"
        self.assertIn(f'datetime="{moment.isoformat()}"', html)
        self.assertIn(">12 minutes ago</time>", html)
        self.assertIn(exact, html.split('title="')[1])

    def test_both_shows_the_exact_time_in_visible_text(self):
        moment = timezone.now() + dt.timedelta(hours=3, seconds=30)
        with timezone.override(ZoneInfo("Asia/Tokyo")):
            html = render("{% time_tag moment 'both' %}", moment=moment)
        visible = html.split(">", 1)[1]
        self.assertIn("in 3 hours (", visible)
        self.assertIn("JST)</time>", visible)

    def test_far_moments_show_the_exact_time_and_missing_ones_nothing(self):
        with timezone.override(ZoneInfo("UTC")):
            html = render(
                "{% time_tag moment %}", moment=dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
            )
        self.assertIn(">Thu 2 Jan 2020, 03:04 UTC</time>", html)
        self.assertEqual(render("{% time_tag moment %}", moment=None), "")


class TaskGraphTagTests(SimpleTestCase):
    def test_the_picture_comes_with_the_task_list_and_names_are_text(self):
        html = render("{% task_graph definition %}", definition=DEFINITION)
        self.assertNotIn("<script>", html)
        self.assertIn('role="img"', html)
        self.assertIn('<span class="task-list__name">&lt;script&gt;alert(1)&lt;/script&gt;', html)
        self.assertIn("On success: load", html)
        self.assertIn("waits for all tasks leading to it", html)
        self.assertIn("tries again up to 2 times if it fails", html)

    def test_execution_tasks_colour_the_graph_and_the_list(self):
        tasks = [Task(name="load", mistral_state="error")]
        html = render("{% task_graph definition tasks %}", definition=DEFINITION, tasks=tasks)
        self.assertIn("task-graph__node--bad", html)
        self.assertIn("status-tag status-tag--bad", html)

    def test_a_definition_we_cannot_draw_says_so(self):
        html = render("{% task_graph definition %}", definition="wf: [oops")
        self.assertIn("We couldn't draw this workflow", html)
        self.assertNotIn("<svg", html)


class YamlAndTimelineTagTests(SimpleTestCase):
    def test_yaml_is_highlighted_and_escaped(self):
        html = render("{{ definition|yaml_html }}", definition=DEFINITION)
        self.assertIn('class="yaml-source"', html)
        self.assertNotIn("<script>", html)

    def test_timeline_has_a_picture_and_a_table(self):
        start = timezone.now() - dt.timedelta(minutes=5)
        tasks = [
            Task(
                name="<b>extract</b>",
                mistral_state="success",
                runs=(
                    TaskRun(
                        id=1,
                        state="succeeded",
                        started_at=start,
                        finished_at=start + dt.timedelta(minutes=4, seconds=12),
                    ),
                ),
            )
        ]
        html = render("{% task_timeline tasks %}", tasks=tasks)
        self.assertIn('class="timeline__picture"', html)
        self.assertIn('<th scope="row">&lt;b&gt;extract&lt;/b&gt;</th>', html)
        self.assertIn('data-label="Took">4 min 12 s</td>', html)
        self.assertNotIn("<b>", html)

    def test_timeline_without_runs_says_so(self):
        self.assertIn("No task has run yet.", render("{% task_timeline tasks %}", tasks=[]))
