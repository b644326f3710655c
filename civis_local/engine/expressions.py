"""Expressions in guards, parameters, publish and policies: YAQL, with the real ``yaql`` library.

``<% ... %>`` is YAQL over a data context (``$``): the execution input, what earlier tasks
published, and ``task(name)`` (``.result``, ``.state``, ``.state_info``, ``.published``) for
the tasks of the execution. A string with text around ``<% %>`` is rendered by replacing each
expression with its value. An expression the library cannot parse or evaluate (a syntax error,
an unknown function, a missing key, comparing incompatible values) raises ``Unknown`` with
Mistral's wording; the caller makes it an error of the task, never a guess.

Nothing user-supplied is executed: YAQL is a query language evaluated by the library's own
interpreter, with no access to Python objects beyond the plain data handed to it. Jinja
(``{{ ... }}``) is not simulated: it is refused the same way (guess: Mistral would render it).
"""

from __future__ import annotations

import collections.abc  # noqa: F401  yaql 3.2 reads collections.abc without importing it
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import yaql
from yaql.language import exceptions as yaql_exceptions
from yaql.language import utils as yaql_utils

_WRAPPED = re.compile(r"^\s*(?:<%(?P<yaql>.*)%>|\{\{(?P<jinja>.*)\}\})\s*$", re.DOTALL)
_INLINE = re.compile(r"<%(.*?)%>", re.DOTALL)

_ENGINE = yaql.factory.YaqlFactory().create()
_ROOT = yaql.create_context()

# Looks a task up by name (None: the task being evaluated); returns its ``task()`` view.
TaskLookup = Callable[[str | None], dict[str, Any] | None]


class Unknown(Exception):
    """The expression cannot be evaluated; ``str()`` is the message the task shows."""


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and ("<%" in value or _WRAPPED.match(value) is not None)


def evaluate(value: Any, data: Mapping[str, Any], tasks: TaskLookup | None = None) -> Any:
    """Evaluate expressions in ``value``: a string, or lists / dicts of them (recursively);
    anything else is returned unchanged."""
    if isinstance(value, dict):
        return {key: evaluate(item, data, tasks) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate(item, data, tasks) for item in value]
    if not isinstance(value, str):
        return value
    match = _WRAPPED.match(value)
    if match is not None and match.group("jinja") is not None:
        raise Unknown(f"Jinja expressions are not simulated [expression={value.strip()}] (guess)")
    if match is not None and "%>" not in match.group("yaql"):
        return _yaql(match.group("yaql").strip(), data, tasks)
    if "<%" not in value:
        return value
    return _INLINE.sub(lambda part: _text(_yaql(part.group(1).strip(), data, tasks)), value)


def guard_passes(guard: Any, data: Mapping[str, Any], tasks: TaskLookup | None = None) -> bool:
    """A transition guard: its truth value. Unknown propagates (the task errors)."""
    if guard is None:
        return True
    return bool(evaluate(guard, data, tasks))


def _text(value: Any) -> str:
    return "null" if value is None else str(value)


@lru_cache(maxsize=1024)
def _parsed(expression: str):
    return _ENGINE(expression)


def _yaql(expression: str, data: Mapping[str, Any], tasks: TaskLookup | None) -> Any:
    context = _ROOT.create_child_context()
    context["$"] = yaql_utils.convert_input_data(dict(data))

    def task(name: str | None = None) -> Any:
        found = tasks(name) if tasks else None
        if found is None:
            raise Unknown(f"Task not found [name={name}]")  # wording: guess
        return yaql_utils.convert_input_data(found)

    context.register_function(task, name="task")
    try:
        result = _parsed(expression).evaluate(context=context)
    except Unknown as error:
        raise Unknown(_message(expression, error, data)) from error
    except (yaql_exceptions.YaqlException, KeyError, TypeError, ValueError, IndexError) as error:
        raise Unknown(_message(expression, error, data)) from error
    return yaql_utils.convert_output_data(result, limit_func=list, engine=_ENGINE)


def _message(expression: str, error: Exception, data: Mapping[str, Any]) -> str:
    """Mistral's wording for an expression it cannot evaluate."""
    reason = str(error) if not isinstance(error, KeyError) else f"Key {error} not found"
    return (
        f"Can not evaluate YAQL expression [expression={expression}, error={reason}, "
        f"data={dict(data)}]"
    )
