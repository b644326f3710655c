"""States read in plain words with an icon and a tone, and unknown ones stay safe."""

import pytest

from workflows_app.civis.types import Execution
from workflows_app.words.states import describe_state, execution_state, task_states


@pytest.mark.parametrize(
    ("state", "kind", "label", "icon", "tone"),
    [
        ("failed", "execution", "Failed", "✕", "bad"),
        ("error", "task", "Failed", "✕", "bad"),
        ("succeeded", "workflow", "Succeeded", "✓", "good"),
        ("SUCCESS", "execution", "Succeeded", "✓", "good"),
        ("cancelled", "run", "Cancelled", "⊘", "neutral"),
        ("paused", "execution", "Paused: waiting for someone to resume it", "‖", "warn"),
        ("idle", "workflow", "Never run", "○", "neutral"),
        ("idle", "task", "Not started", "○", "neutral"),
        ("scheduled", "workflow", "Scheduled, not run yet", "◷", "info"),
        ("delayed", "task", "Waiting to retry", "↺", "warn"),
        ("waiting", "task", "Waiting", "◷", "warn"),
        ("queued", "run", "Queued", "⋯", "info"),
        ("running", None, "Running", "↻", "info"),
    ],
)
def test_known_states_have_words_icons_and_tones(state, kind, label, icon, tone):
    look = describe_state(state, kind)
    assert (look.label, look.icon, look.tone, look.known) == (label, icon, tone, True)


def test_an_unknown_state_is_shown_as_written_with_a_question_mark():
    look = describe_state("frobnicating")
    assert (look.label, look.icon, look.tone, look.known) == ("Frobnicating", "?", "neutral", False)


@pytest.mark.parametrize("state", [None, "", "   "])
def test_a_missing_state_reads_unknown(state):
    assert describe_state(state).label == "Unknown"


def test_paused_wins_over_the_civis_running_word():
    assert execution_state("running", "paused") == "paused"
    assert execution_state("failed", "error") == "failed"
    assert execution_state(None, "success") == "success"


def test_task_states_come_from_tasks_or_a_mapping():
    execution = Execution.model_validate(
        {
            "id": 1,
            "tasks": [
                {"name": "a", "mistralState": "success"},
                {"name": "b", "mistralState": None},
                {"name": "c", "mistralState": "error"},
            ],
        }
    )
    assert task_states(execution.tasks) == {"a": "success", "c": "error"}
    assert task_states({"x": "running"}) == {"x": "running"}
    assert task_states(None) == {}
