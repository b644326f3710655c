"""The one parser of the picker's values: its radios send `user:7` or `group:3`.

Only ASCII digits make an id: `str.isdigit()` and `\\d` also accept `²` (which `int()` then
refuses: a 500) and `١٢` (which `int()` reads as 12: someone else). Every form and view that
reads a picker value uses `parse_choice`."""

from __future__ import annotations

import re

KINDS = ("user", "group")
# A bare number is a person (older links); ids are at most 12 digits.
_CHOICE = re.compile(r"(?:(user|group):)?([0-9]{1,12})", re.ASCII)


def parse_choice(value: str | None, kinds: tuple[str, ...] = KINDS) -> tuple[str, int] | None:
    """`"user:7"` → `("user", 7)`; `"7"` → `("user", 7)`; None for anything else, or for a
    kind not in `kinds`."""
    match = _CHOICE.fullmatch((value or "").strip())
    if match is None:
        return None
    kind = match.group(1) or "user"
    return (kind, int(match.group(2))) if kind in kinds else None
