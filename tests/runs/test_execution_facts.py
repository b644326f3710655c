"""Which actions a run offers (state and access), and Mistral's state info in plain words."""

import pytest

from workflows_app.civis.types import Execution, Task
from workflows_app.runs.facts import allowed_actions, plain_words, shown_state


def run(state: str, mistral: str, *tasks: Task) -> Execution:
    return Execution(id=1, workflow_id=2, state=state, mistral_state=mistral, tasks=tasks)


FAILED = run("failed", "error", Task("load", "error"), Task("extract", "success"))
RUNNING = run("running", "running", Task("load", "running"))
PAUSED = run("running", "paused", Task("publish", "idle"))
DONE = run("succeeded", "success", Task("load", "success"))


@pytest.mark.parametrize("level", ["write", "manage"])
def test_editors_get_what_the_state_allows(level):
    failed = allowed_actions(FAILED, level)
    assert failed.retry_failed and failed.retry_tasks == ("load",) and failed.run_again
    assert not failed.cancel and not failed.resume
    running = allowed_actions(RUNNING, level)
    assert running.cancel and not (running.resume or running.retry_failed or running.run_again)
    paused = allowed_actions(PAUSED, level)
    assert paused.resume and paused.cancel and not paused.run_again
    done = allowed_actions(DONE, level)
    assert done.run_again and not (done.cancel or done.resume or done.retry_failed)


@pytest.mark.parametrize("level", ["read", None, "owner?"])
def test_viewers_get_nothing(level):
    for execution in (FAILED, RUNNING, PAUSED, DONE):
        assert not allowed_actions(execution, level).any


def test_paused_shows_as_paused_though_civis_says_running():
    assert shown_state(PAUSED) == "paused" and shown_state(RUNNING) == "running"


@pytest.mark.parametrize(
    ("info", "words"),
    [
        ("Failure caused by error in tasks: A, B", "These tasks failed: A, B."),
        (
            "Task timed out [timeout(s)=30].",
            "It ran longer than its limit of 30 seconds, so it was stopped.",
        ),
        ("Delayed by 'retry' policy [delay=60]", "It failed and will try again in 60 seconds."),
        ("Delayed by 'wait-before' policy [delay=5]", "Waiting 5 seconds, as the workflow asks."),
        (
            "Set by 'pause-before' policy",
            "The workflow pauses before this task until someone resumes it.",
        ),
        ("Blocked by tasks: ['a', 'b']", "Waiting for these tasks first: ['a', 'b']."),
        ("Run 7 of job 3 failed", "Its job failed: job 3 (its run 7)."),
    ],
)
def test_known_state_info_in_plain_words(info, words):
    assert plain_words(info) == words


@pytest.mark.parametrize("info", [None, "", 'Redshift: relation "x" does not exist'])
def test_unknown_state_info_is_left_to_the_platform_s_words(info):
    assert plain_words(info) is None


def test_a_failure_as_the_engine_writes_it_is_in_words_task_by_task():
    from civis_local.engine.flow import failure_info

    info = failure_info(
        [
            {"name": "load", "mistralStateInfo": "Task timed out [timeout(s)=30]."},
            {"name": "extract", "mistralStateInfo": "Run 3300 of job 82 failed"},
        ]
    )

    assert plain_words(info) == (
        "These tasks failed: extract, load. extract: Its job failed: job 82 (its run 3300)."
        " load: It ran longer than its limit of 30 seconds, so it was stopped."
    )
