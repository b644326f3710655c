"""The console's reading of a definition (each problem with its task and line) and the plain
summary of a change, without any server."""

import pytest

from workflows_app.editing.changes import Version, describe_change, side_by_side
from workflows_app.editing.checks import MAX_DEFINITION_CHARS, read_definition

from .conftest import DEFINITION


def problems(text):
    return [str(problem) for problem in read_definition(text).problems]


def test_a_transition_to_a_missing_task_names_the_task_the_line_and_a_near_name():
    assert problems(DEFINITION.replace("- load_crm", "- load_crn")) == [
        "Line 8, task extract: it goes on to “load_crn” when it works (on-success), but there "
        "is no task called “load_crn”. Did you mean load_crm?"
    ]


def test_yaml_that_cannot_be_parsed_names_its_line():
    (problem,) = problems(DEFINITION.replace("    dedupe:\n", "    dedupe: x:\n"))
    assert problem.startswith("Line 9: the YAML cannot be read here")


def test_an_unknown_action_and_a_non_ascii_character_are_the_platforms_rules_in_words():
    (action,) = problems(
        DEFINITION.replace("dedupe:\n      action: std.noop", "dedupe:\n      action: std.nope")
    )
    assert action.startswith("Line 10, task dedupe: the platform has no action called “std.nope”")
    (accent,) = problems(
        DEFINITION.replace(
            "    load_crm:\n      action", "    load_crm:\n      # café\n      action"
        )
    )
    assert accent.startswith("Line 12: the platform takes only plain ASCII characters")


def test_engine_commands_and_a_valid_definition_have_no_problems():
    assert problems(DEFINITION) == []
    assert problems(DEFINITION.replace("- load_crm", "- fail")) == []


def test_too_long_is_refused_and_never_read():
    reading = read_definition("#" * (MAX_DEFINITION_CHARS + 1))
    assert reading.refused
    assert "characters long" in str(reading.problems[0])


def test_an_alias_bomb_is_refused_quickly():
    pytest.importorskip("workflows_app.pictures.definition")
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(8):
        name, previous = chr(98 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    reading = read_definition(bomb)
    assert not reading.ok and "aliases" in str(reading.problems[0])


def test_the_summary_says_what_each_change_does():
    after = (
        DEFINITION.replace("        - load_crm\n", "").replace(
            "    dedupe:\n      action: std.noop\n",
            "    dedupe:\n      action: civis.run_job\n      input:\n        job_id: 7\n"
            "      on-success:\n        - load_crm\n",
        )
        + "    publish_scores:\n      action: std.noop\n"
    )
    assert describe_change(Version("Old", "", DEFINITION), Version("New", "Why", after)) == [
        "Renamed from “Old” to “New”",
        "A description is added",
        "A new task publish_scores (does nothing yet)",
        "load_crm now runs after dedupe",
        "load_crm no longer runs after extract",
        "dedupe now runs a job (before this change it does nothing yet)",
    ]
    assert describe_change(Version("A", "", DEFINITION), Version("A", "", DEFINITION)) == []


def test_side_by_side_keeps_text_as_text():
    rows = side_by_side("a\n<b>\n", "a\n<script>\n")
    assert [(r.kind, r.left, r.right) for r in rows if r] == [
        ("same", "a", "a"),
        ("changed", "<b>", "<script>"),
    ]
