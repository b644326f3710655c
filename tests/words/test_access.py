"""Access levels in the words people use."""

import pytest

from workflows_app.words.access import describe_access


@pytest.mark.parametrize(
    ("level", "words"),
    [
        ("read", "can view"),
        ("write", "can edit"),
        ("manage", "can manage"),
        ("Manage", "can manage"),
    ],
)
def test_levels_read_as_what_a_person_can_do(level, words):
    assert describe_access(level) == words


def test_the_owner_is_called_owner_whatever_the_level():
    assert describe_access("manage", is_owner=True) == "owner"
    assert describe_access("owner") == "owner"


def test_no_level_and_odd_levels_are_said_plainly():
    assert describe_access(None) == "no access"
    assert describe_access("admin") == "unknown access (admin)"
