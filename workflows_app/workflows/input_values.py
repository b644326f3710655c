"""A run's inputs as people type them, and back.

Each input is read by the type of its default in the definition: a list from commas or
brackets (`IA, NH` or `[IA, NH]`), a whole number, a number, true or false, an object as JSON;
an input with a text default or none is text as typed. A value that cannot be read says why
in words, so a run certain to fail is never started. `as_typed` shows a value the same way
back (never Python's `['IA', 'NH']`).
"""

from __future__ import annotations

import json
from typing import Any

TRUE_WORDS = frozenset({"true", "yes", "y", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "off", "0"})
MAX_ITEMS = 1000


def read_as(text: str, default: Any) -> Any:
    """The value `text` stands for, read by the type of `default` (`ValueError`, in words, when
    it cannot be read that way)."""
    if isinstance(default, bool):
        return _yes_no(text)
    if isinstance(default, int):
        return _whole_number(text)
    if isinstance(default, float):
        return _number(text)
    if isinstance(default, list):
        return _list(text, default)
    if isinstance(default, dict):
        return _object(text)
    return text


def hint_for(default: Any) -> str:
    """What the Run form says under an input, by the type of its default."""
    if isinstance(default, bool):
        return "true or false. Leave it empty to use the default."
    if isinstance(default, int):
        return "A whole number. Leave it empty to use the default."
    if isinstance(default, float):
        return "A number. Leave it empty to use the default."
    if isinstance(default, list):
        return "A list: separate the items with commas, like IA, NH."
    if isinstance(default, dict):
        return 'Names and values in braces, like {"state": "IA"}.'
    return ""


def typed(default: Any) -> bool:
    """Whether the input is read as something other than text (then empty means default)."""
    return isinstance(default, bool | int | float | list | dict)


def _yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("Enter true or false")


def _whole_number(text: str) -> int:
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned.lstrip("+-").isascii() or not cleaned.lstrip("+-").isdigit():
        raise ValueError("Enter a whole number, like 14")
    return int(cleaned)


def _number(text: str) -> float | int:
    cleaned = text.strip().replace(",", "")
    try:
        if not cleaned.isascii():
            raise ValueError
        number = float(cleaned)
    except ValueError:
        raise ValueError("Enter a number, like 2.5") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("Enter a number, like 2.5")
    return number


def _list(text: str, default: list) -> list:
    inner = text.strip()
    opened, closed = inner.startswith("["), inner.endswith("]")
    if opened != closed:
        raise ValueError(
            "A list is either in brackets, [IA, NH], or just separated by commas, IA, NH: "
            + ("add the closing ]" if opened else "add the opening [")
        )
    if opened:
        inner = inner[1:-1].strip()
    if not inner:
        return []
    items = [_unquoted(item.strip()) for item in inner.split(",")]
    if len(items) > MAX_ITEMS:
        raise ValueError(f"A list can have at most {MAX_ITEMS} items")
    if any(item == "" for item in items):
        raise ValueError("Leave no empty item between commas")
    kinds = {type(item) for item in default}
    if len(kinds) == 1 and (kind := kinds.pop()) in (bool, int, float):
        try:
            return [read_as(item, kind()) for item in items]
        except ValueError as exc:
            raise ValueError(f"Each item: {str(exc)[0].lower()}{str(exc)[1:]}") from None
    return items


def _unquoted(item: str) -> str:
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
        return item[1:-1]
    return item


def _object(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValueError('Enter names and values in braces, like {"state": "IA"}')
    return value


def as_typed(value: Any) -> str:
    """A value as a person would type it into the Run form (and reads it on a run's page)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(as_typed(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
