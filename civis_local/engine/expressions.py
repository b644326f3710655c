"""A tiny evaluator for the trivial YAQL / Jinja expressions seen in guards and parameters.

Nothing user-supplied is ever executed: only literals, ``$.name`` look-ups in the execution
input, ``not``, ``and``, ``or``, ``=``/``==``/``!=`` are understood. Anything else raises
``Unknown`` and the caller decides (a guard it cannot read counts as true, a guess).
"""

from __future__ import annotations

import re
from typing import Any

_WRAPPED = re.compile(r"^\s*(?:<%(?P<yaql>.*)%>|\{\{(?P<jinja>.*)\}\})\s*$", re.DOTALL)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_INPUT_REF = re.compile(r"^(?:\$|_)\.(?P<path>[A-Za-z_][\w.]*)$")


class Unknown(Exception):
    """The expression is not one of the trivial forms."""


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and _WRAPPED.match(value) is not None


def evaluate(value: Any, variables: dict[str, Any]) -> Any:
    """Evaluate ``<% ... %>`` / ``{{ ... }}``; any other value is returned unchanged."""
    if not isinstance(value, str):
        return value
    match = _WRAPPED.match(value)
    if match is None:
        return value
    body = match.group("yaql") if match.group("yaql") is not None else match.group("jinja")
    return _evaluate_body(body.strip(), variables)


def guard_passes(guard: Any, variables: dict[str, Any]) -> bool:
    """A transition guard: evaluate the trivial ones, treat the others as true (guess)."""
    if guard is None:
        return True
    try:
        return bool(evaluate(guard, variables))
    except Unknown:
        return True


def _evaluate_body(body: str, variables: dict[str, Any]) -> Any:
    for keyword in (" or ", " and "):
        if keyword in body:
            left, right = body.split(keyword, 1)
            left_value = _evaluate_body(left.strip(), variables)
            if keyword == " or ":
                return left_value or _evaluate_body(right.strip(), variables)
            return left_value and _evaluate_body(right.strip(), variables)
    if body.startswith("not "):
        return not _evaluate_body(body[4:].strip(), variables)
    for operator in ("!=", "==", "="):
        if operator in body:
            left, right = body.split(operator, 1)
            equal = _operand(left.strip(), variables) == _operand(right.strip(), variables)
            return not equal if operator == "!=" else equal
    return _operand(body, variables)


def _operand(text: str, variables: dict[str, Any]) -> Any:
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered in ("null", "none"):
        return None
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    reference = _INPUT_REF.match(text)
    if reference:
        value: Any = variables
        for part in reference.group("path").split("."):
            if not isinstance(value, dict) or part not in value:
                raise Unknown(text)
            value = value[part]
        return value
    raise Unknown(text)
