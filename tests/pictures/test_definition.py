"""Definitions are parsed once, bounded in size and alias expansion (issue 10, item 12)."""

import time

import pytest

from workflows_app.pictures.definition import (
    MAX_DEFINITION_CHARS,
    DefinitionError,
    DefinitionRefused,
    parse_definition,
)
from workflows_app.pictures.task_graph import TaskGraphError, parse_task_graph
from workflows_app.workflows.run_inputs import DeclaredInput, read_value, run_choices


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A valid workflow whose input default is `levels` nested aliases, each `width` wide: a
    few hundred characters that expand into width**levels items."""
    lines = ["version: '2.0'", "nightly:", "  type: direct", "  tasks:", "    extract:",
             "      action: std.noop", "  input:"]  # fmt: skip
    lines.append(f"    - l0: &l0 [{', '.join(['lol'] * width)}]")
    for i in range(1, levels):
        lines.append(f"    - l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_quickly_with_words_for_the_page():
    bomb = alias_bomb()
    assert len(bomb) < 700
    started = time.perf_counter()
    with pytest.raises(DefinitionRefused, match="repeats parts of itself"):
        parse_definition(bomb)
    choices = run_choices(bomb)
    with pytest.raises(TaskGraphError, match="repeats parts of itself"):
        parse_task_graph(bomb)
    assert time.perf_counter() - started < 0.5
    assert "repeats parts of itself" in choices.problem and choices.inputs == ()


def test_a_recursive_alias_is_refused():
    with pytest.raises(DefinitionRefused):
        parse_definition("a: &a [x, *a]\n")


def test_an_alias_bomb_typed_as_a_run_input_is_refused():
    typed = "[" + alias_bomb().split("- l0: ", 1)[1].replace("    - l", "").replace("\n", "")
    with pytest.raises(ValueError):
        read_value(typed[:400] + "]", DeclaredInput("x", [1]))


def test_a_definition_too_long_is_refused():
    with pytest.raises(DefinitionRefused, match="too long"):
        parse_definition("a: " + "x" * MAX_DEFINITION_CHARS)


def test_ordinary_anchors_and_merge_keys_still_work():
    text = "base: &base {action: std.noop}\nw:\n  tasks:\n    t:\n      <<: *base\n      x: 1\n"
    assert parse_definition(text)["w"]["tasks"]["t"] == {"action": "std.noop", "x": 1}


def test_a_definition_is_parsed_once_and_errors_are_kept_too():
    text = "version: '2.0'\nw:\n  tasks:\n    t: {action: std.noop}\n"
    assert parse_definition(text) is parse_definition(text)
    with pytest.raises(DefinitionError):
        parse_definition("a: [unclosed\n")
    with pytest.raises(DefinitionError):
        parse_definition("a: [unclosed\n")
