"""Run inputs read by the type of their default, and shown back as typed (issue 10, item 3)."""

import pytest

from workflows_app.workflows.input_values import as_typed, read_as


@pytest.mark.parametrize(
    ("text", "default", "value"),
    [
        ("IA, NH", ["IA"], ["IA", "NH"]),
        ("[IA, NH]", ["IA"], ["IA", "NH"]),
        ("['IA', \"NH\"]", ["IA"], ["IA", "NH"]),
        ("", ["IA"], []),
        ("1, 2", [5], [1, 2]),
        ("14", 7, 14),
        ("1,000", 7, 1000),
        ("2.5", 1.0, 2.5),
        ("Yes", False, True),
        ("false", True, False),
        ('{"a": 1}', {"b": 2}, {"a": 1}),
        ("[IA, NH", "text", "[IA, NH"),  # a text default keeps what was typed
    ],
)
def test_read_by_the_type_of_the_default(text, default, value):
    assert read_as(text, default) == value


@pytest.mark.parametrize(
    ("text", "default", "words"),
    [
        ("[IA, NH", ["IA"], "add the closing ]"),
        ("IA, NH]", ["IA"], "add the opening ["),
        ("IA,,NH", ["IA"], "Leave no empty item"),
        ("1, two", [5], "Each item: enter a whole number"),
        ("fourteen", 7, "Enter a whole number, like 14"),
        ("١٢", 7, "Enter a whole number"),
        ("nan", 1.0, "Enter a number"),
        ("maybe", True, "Enter true or false"),
        ("[1]", {"b": 2}, "in braces"),
    ],
)
def test_what_cannot_be_read_says_why_in_words(text, default, words):
    with pytest.raises(ValueError, match=None) as raised:
        read_as(text, default)
    assert words in str(raised.value)


def test_values_are_shown_as_typed_not_as_python():
    assert as_typed(["IA", "NH"]) == "IA, NH"
    assert as_typed(True) == "true"
    assert as_typed({"a": [1]}) == '{"a": [1]}'
    assert as_typed(14) == "14"
