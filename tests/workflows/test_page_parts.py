"""The pieces the workflow pages are built from: declared inputs, notification sentences, the
duration chart and the success rate."""

import datetime as dt

import pytest

from workflows_app.civis.types import ExecutionSummary, Notifications
from workflows_app.pictures.duration_chart import render_duration_chart, success_rate
from workflows_app.words.notifications import describe_notifications
from workflows_app.workflows.run_inputs import DeclaredInput, read_value, run_choices

DEFINITION = """\
version: '2.0'
wb:
  type: reverse
  input:
    - region
    - days: 7
    - tags: [a, b]
    - label: weekly
  tasks:
    load:
      action: std.noop
      requires: [fetch]
    fetch:
      action: std.noop
"""
T0 = dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC)


def test_run_choices_read_inputs_tasks_and_kind():
    choices = run_choices(DEFINITION)
    assert [i.name for i in choices.inputs] == ["region", "days", "tags", "label"]
    assert choices.inputs[0].required and not choices.inputs[1].required
    assert [i.default_text for i in choices.inputs] == ["", "7", '["a", "b"]', "weekly"]
    assert set(choices.task_names) == {"load", "fetch"}
    assert choices.reverse


def test_unreadable_definitions_offer_nothing():
    for text in ("", "not: [valid", "- just\n- a list\n"):
        assert run_choices(text).inputs == ()


def test_typed_values_come_back_typed_and_text_stays_text():
    assert read_value("14", DeclaredInput("days", 7)) == 14
    assert read_value("[x, y]", DeclaredInput("tags", ["a"])) == ["x", "y"]
    assert read_value("14", DeclaredInput("label", "weekly")) == "14"
    assert read_value("Midwest", DeclaredInput("region")) == "Midwest"
    with pytest.raises(ValueError):
        read_value("[unclosed", DeclaredInput("days", 7))


def test_notifications_in_sentences():
    said = describe_notifications(
        Notifications(
            failure_email_addresses=("a@x.test", "b@x.test"),
            success_email_addresses=("a@x.test",),
            success_on=False,
            failure_on=True,
            urls=("https://hook.test",),
            stall_warning_minutes=60,
        )
    )
    assert said == [
        "When a run fails, it emails 2 addresses.",
        "It tells 1 web address about each run.",
        "It warns if a run takes longer than 60 minutes.",
    ]
    assert describe_notifications(Notifications(failure_on=False)) == []


def test_notifications_on_with_nobody_to_get_them_say_so():
    """The emails page's rule (words.notifications.nobody_listed): failure emails are on unless
    turned off, stall warnings go to the failure addresses."""
    nobody_fails = "Nobody will get failure emails: no address is listed for them."
    assert describe_notifications(Notifications()) == [nobody_fails]
    said = describe_notifications(
        Notifications(failure_on=True, success_on=True, stall_warning_minutes=30)
    )
    assert said == [
        "It warns if a run takes longer than 30 minutes.",
        nobody_fails,
        "Nobody will get the warning when a run takes too long: it goes to the addresses for "
        "failure emails, and none is listed.",
        "Nobody will get success emails: no address is listed for them.",
    ]
    said = describe_notifications(
        Notifications(failure_on=False, failure_email_addresses=("a@x.test",), success_on=True,
                      success_email_addresses=("a@x.test",), stall_warning_minutes=30)
    )  # fmt: skip
    assert said == [
        "When a run succeeds, it emails 1 address.",
        "It warns if a run takes longer than 30 minutes.",
    ]


def _run(run_id, state, minutes, hours_ago):
    started = T0 - dt.timedelta(hours=hours_ago)
    finished = started + dt.timedelta(minutes=minutes) if minutes is not None else None
    return ExecutionSummary(id=run_id, state=state, started_at=started, finished_at=finished)


def test_chart_draws_finished_runs_oldest_first_and_escapes_text():
    runs = [_run(3, "failed", 5, 1), _run(2, "succeeded", 10, 2), _run(1, "running", None, 3)]
    svg = str(render_duration_chart(runs, described_by='x"><script>'))
    assert svg.count('class="duration-chart__bar"') == 2
    assert svg.index("Run 2: Succeeded, 10 min") < svg.index("Run 3: Failed, 5 min")
    assert 'role="img"' in svg and "<title>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert render_duration_chart([_run(1, "running", None, 1)]) is None


def test_success_rate_counts_finished_runs_only():
    runs = [_run(1, "succeeded", 1, 1), _run(2, "failed", 1, 2), _run(3, "running", None, 3)]
    assert success_rate(runs) == (1, 2)
