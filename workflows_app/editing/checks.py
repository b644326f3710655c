"""The console's own reading of a definition before it is saved: what is wrong, which task, which
line, in words.

The platform stores a broken definition rather than refusing it (it answers `valid: false`
with `validationErrors` after the save), and has no "check only" call; so the console reads the
definition itself first: YAML that cannot be parsed (with its line), a workflow without tasks,
transitions to tasks that do not exist, and then the official client's schema (the platform's,
stricter than the server). Each problem names the task and line it is on.

The text is untrusted: it is parsed only through `parse_definition` (bounded in size and in
alias expansion), and only once that has succeeded is it walked for line numbers.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

try:  # issue 10's bounded parser (size limit, alias bombs); see the note in the fallback.
    from workflows_app.pictures.definition import (
        MAX_DEFINITION_CHARS,
        DefinitionError,
        parse_definition,
    )
except ImportError:  # pragma: no cover - only before pictures/definition.py lands
    MAX_DEFINITION_CHARS = 200_000

    class DefinitionError(ValueError):  # type: ignore[no-redef]
        pass

    def parse_definition(definition: str | None) -> Any:  # type: ignore[misc]
        # NOTE: a stand-in until the bounded parser is in: the size limit only (no alias-bomb
        # bound). Replace with pictures.definition.parse_definition.
        if not isinstance(definition, str) or len(definition) > MAX_DEFINITION_CHARS:
            raise DefinitionError("The definition is too long to read.")
        try:
            return yaml.safe_load(definition)
        except yaml.YAMLError as error:
            raise DefinitionError(f"The definition is not valid YAML: {error}") from error


TRANSITION_KEYS = {"on-success": "when it works", "on-error": "when it fails",
                   "on-complete": "when it finishes"}  # fmt: skip
ENGINE_COMMANDS = frozenset({"fail", "succeed", "pause", "noop"})
_LINE = re.compile(r"\(line (\d+)\)")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition. `line` counts from 1."""

    message: str
    line: int | None = None
    task: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line:
            where.append(f"Line {self.line}")
        if self.task:
            where.append(f"task {self.task}")
        prefix = ", ".join(where)
        return f"{prefix[:1].upper()}{prefix[1:]}: {self.message}" if prefix else self.message


@dataclass(frozen=True)
class Reading:
    """What the console found. `refused`: too big to read at all (never saved, even anyway)."""

    problems: tuple[Problem, ...] = ()
    refused: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def too_long_message(chars: int) -> str:
    return (
        f"This definition is {chars:,} characters long; the console takes definitions of up to "
        f"{MAX_DEFINITION_CHARS:,} characters. Nothing was saved."
    )


@lru_cache(maxsize=32)
def read_definition(text: str | None) -> Reading:
    """Everything the console can tell about `text` before it is saved (kept for the few
    texts read last: the check page and the save read the same one)."""
    text = text or ""
    if not text.strip():
        return Reading((Problem("The definition is empty: start from a template or paste one."),))
    if len(text) > MAX_DEFINITION_CHARS:
        return Reading((Problem(too_long_message(len(text))),), refused=True)
    try:
        document = parse_definition(text)
    except DefinitionError as error:
        return Reading((_yaml_problem(error),), refused=_refused(error))
    lines = _Lines(text)
    problems = _structure_problems(document, lines)
    if not problems:
        problems = _validator_problems(text, document, lines)
    return Reading(tuple(problems))


def _refused(error: Exception) -> bool:
    return type(error).__name__ == "DefinitionRefused"


def _yaml_problem(error: Exception) -> Problem:
    cause = error.__cause__
    mark = getattr(cause, "problem_mark", None) or getattr(cause, "context_mark", None)
    if isinstance(cause, yaml.YAMLError) and mark is not None:
        what = getattr(cause, "problem", None) or "it cannot be read"
        return Problem(
            f"the YAML cannot be read here ({what}, at column {mark.column + 1}). "
            "Check the indentation and the colons on this line and the one before it.",
            line=mark.line + 1,
        )
    return Problem(str(error))


class _Lines:
    """Line numbers of the workflow's parts, from the composed (not constructed) YAML nodes."""

    def __init__(self, text: str) -> None:
        self.tasks: dict[str, yaml.Node] = {}
        self.keys: dict[str, int] = {}
        self.workflow_line: int | None = None
        try:
            root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            return
        if not isinstance(root, yaml.MappingNode):
            return
        for key, value in root.value:
            self.keys[str(key.value)] = key.start_mark.line + 1
            workflow = key.value != "version" and isinstance(value, yaml.MappingNode)
            if workflow and self.workflow_line is None:
                self.workflow_line = key.start_mark.line + 1
                for wkey, wvalue in value.value:
                    if wkey.value == "tasks" and isinstance(wvalue, yaml.MappingNode):
                        self.keys["tasks"] = wkey.start_mark.line + 1
                        for tkey, tvalue in wvalue.value:
                            self.tasks.setdefault(str(tkey.value), tkey)
                            self.tasks.setdefault(f"{tkey.value}\0body", tvalue)

    def task(self, name: str) -> int | None:
        node = self.tasks.get(name)
        return node.start_mark.line + 1 if node is not None else None

    def in_task(self, name: str, key: str, target: str | None = None) -> int | None:
        """The line of `key:` in task `name` (or of `target` under it), else the task's."""
        body = self.tasks.get(f"{name}\0body")
        if isinstance(body, yaml.MappingNode):
            for k, v in body.value:
                if k.value == key:
                    if target is not None:
                        for node in _scalars(v):
                            if str(node.value).split(None, 1)[0:1] == [target]:
                                return node.start_mark.line + 1
                    return k.start_mark.line + 1
        return self.task(name)


def _scalars(node: yaml.Node, depth: int = 0) -> list[yaml.ScalarNode]:
    if depth > 4:
        return []
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [s for item in node.value for s in _scalars(item, depth + 1)]
    if isinstance(node, yaml.MappingNode):
        return [s for k, v in node.value for s in _scalars(k, depth + 1) + _scalars(v, depth + 1)]
    return []


def _structure_problems(document: Any, lines: _Lines) -> list[Problem]:
    if not isinstance(document, dict):
        return [
            Problem(
                "a definition is a list of `name: value` lines: `version: '2.0'`, then the "
                "workflow's name and its tasks.",
                line=1,
            )
        ]
    problems: list[Problem] = []
    if str(document.get("version")) != "2.0":
        problems.append(
            Problem("the first line should be version: '2.0'.", line=lines.keys.get("version", 1))
        )
    workflow = next(
        (body for key, body in document.items() if key != "version" and isinstance(body, dict)),
        None,
    )
    if workflow is None:
        problems.append(
            Problem(
                "there is no workflow in it: after the version line, name the workflow and "
                "list its tasks under it.",
                line=lines.workflow_line,
            )  # fmt: skip
        )
        return problems
    tasks = workflow.get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        problems.append(
            Problem(
                "the workflow has no tasks: list at least one under `tasks:`.",
                line=lines.keys.get("tasks", lines.workflow_line),
            )  # fmt: skip
        )
        return problems
    names = [str(name) for name in tasks]
    for name, spec in tasks.items():
        name = str(name)
        if not isinstance(spec, dict):
            problems.append(
                Problem(
                    "a task needs its settings under it, such as `action:`.",
                    line=lines.task(name),
                    task=name,
                )  # fmt: skip
            )
            continue
        if not spec.get("action") and not spec.get("workflow"):
            problems.append(
                Problem(
                    "it does not say what to do: add an `action:`.",
                    line=lines.task(name),
                    task=name,
                )  # fmt: skip
            )
        for key, when in TRANSITION_KEYS.items():
            for target in _targets(spec.get(key)):
                problems.extend(_transition_problem(name, key, when, target, names, lines))
    return problems


def _targets(value: Any) -> list[str]:
    """The task names a transition lists (any shape the language allows)."""
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, dict):
        if "next" in value:
            return _targets(value["next"])
        return [str(key) for key in value]
    if isinstance(value, list):
        return [t for item in value for t in _targets(item)]
    return []


def _transition_problem(
    task: str, key: str, when: str, target: str, names: list[str], lines: _Lines
) -> list[Problem]:
    word = target.strip().split("(", 1)[0].split(None, 1)[0] if target.strip() else ""
    if word in ENGINE_COMMANDS and word != target.strip() or target.strip() in ENGINE_COMMANDS:
        return []
    if target == task:
        return [Problem(f"it goes on to itself {when} ({key}); a task cannot follow itself.",
                        line=lines.in_task(task, key, target), task=task)]  # fmt: skip
    if target in names:
        return []
    close = difflib.get_close_matches(target, names, n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    return [
        Problem(
            f"it goes on to “{target}” {when} ({key}), but there is no task called "
            f"“{target}”.{hint}",
            line=lines.in_task(task, key, target),
            task=task,
        )
    ]


@lru_cache(maxsize=1)
def _schema_validator() -> Any:
    """The platform's workflow schema, as the official client ships it, compiled once (the
    client's own `validate_workflow_yaml` checks the schema itself on every call: a second).
    None if the client no longer ships it where we look (then only our own checks run)."""
    try:
        import jsonschema
        from civis.workflows._schemas import WORKFLOW_SCHEMA
    except ImportError:
        return None
    cls = jsonschema.validators.validator_for(WORKFLOW_SCHEMA)
    return cls(WORKFLOW_SCHEMA)


def warm_up() -> None:
    """Build the schema validator in a background thread (importing the official client takes
    seconds), so the first person to check a definition does not wait for it."""
    threading.Thread(target=_schema_validator, name="schema-warm-up", daemon=True).start()


def _validator_problems(text: str, document: Any, lines: _Lines) -> list[Problem]:
    """What the official client's validator would say: ASCII only, then the platform's schema
    over the document already parsed (bounded) above."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.isascii():
            return [Problem("the platform takes only plain ASCII characters in a definition "
                            "(no accents, curly quotes or emoji).", line=number)]  # fmt: skip
    validator = _schema_validator()
    if validator is None:
        return []
    error = next(iter(sorted(validator.iter_errors(document), key=lambda e: list(e.path))), None)
    return [_validator_problem(error, lines)] if error is not None else []


def _validator_problem(detail: Any, lines: _Lines) -> Problem:
    path = list(getattr(detail, "absolute_path", ()) or ())
    task = str(path[2]) if len(path) >= 3 and path[1] == "tasks" else None
    field = str(path[3]) if len(path) >= 4 and task else None
    message = getattr(detail, "message", None) or str(detail).split("\n\n")[0]
    message = message if len(message) <= 300 else message[:300] + "…"
    if task and field == "action" and getattr(detail, "validator", None) == "enum":
        message = (
            f"the platform has no action called “{getattr(detail, 'instance', '')}”. "
            "Use one of: civis.run_job, civis.workflows.execute, civis.scripts.python3, "
            "civis.scripts.sql, std.noop, std.echo, std.fail."
        )
        return Problem(message, line=lines.in_task(task, "action"), task=task)
    if task:
        where = lines.in_task(task, field) if field else lines.task(task)
        return Problem(f"the platform's rules refuse it: {message}", line=where, task=task)
    found = _LINE.search(message)
    return Problem(
        f"the platform's rules refuse it: {message}",
        line=int(found.group(1)) if found else None,
    )
