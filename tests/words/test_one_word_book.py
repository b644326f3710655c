"""One word-book: the console's words for access levels and states are defined in
`workflows_app.words` and nowhere else. Every module of the console is imported (template tags
and forms included) and its source read, so a second table of the same words fails here."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import workflows_app
from workflows_app.words import access, states

ACCESS_WORDS = {"can view", "can edit", "can manage"}
API_LEVELS = set(access.LEVELS)
STATE_WORDS = {"succeeded", "failed", "cancelled", "running", "queued", "paused"}
# State labels only the word-book may spell (the short, common ones like "Failed" also name
# other things, such as an audit entry's outcome, so they are checked as tables, below).
STATE_LABELS = {
    look.label.lower()
    for look in vars(states).values()
    if isinstance(look, states.StateLook) and " " in look.label
}
# The word-book itself, and the client, which speaks the platform's words on the wire.
EXEMPT = ("workflows_app.words", "workflows_app.civis", "workflows_app.migrations")


def console_modules():
    names = [workflows_app.__name__]
    for info in pkgutil.walk_packages(workflows_app.__path__, prefix="workflows_app."):
        names.append(info.name)
    return [n for n in names if not n.startswith(EXEMPT)]


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value.strip().lower()
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def offences(source: str) -> list[str]:
    found = []
    tree = ast.parse(source)
    for text in _strings(tree):
        if text in ACCESS_WORDS:
            found.append(f"access words {text!r}")
        if text in STATE_LABELS:
            found.append(f"state label {text!r}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            words = {
                item.value.lower()
                for item in items
                if isinstance(item, ast.Constant) and isinstance(item.value, str)
            }
            if words >= API_LEVELS:
                found.append(f"a table of access levels at line {node.lineno}")
            if len(words & STATE_WORDS) >= 3:
                found.append(f"a table of states at line {node.lineno}")
    return found


def test_every_console_module_imports_and_defines_no_words_of_its_own():
    modules = console_modules()
    assert "workflows_app.templatetags.console" in modules
    assert any(name.endswith(".forms") for name in modules)
    problems = {}
    for name in modules:
        module = importlib.import_module(name)
        found = offences(Path(module.__file__).read_text())
        if found:
            problems[name] = found
    assert problems == {}


@pytest.mark.parametrize(
    "source",
    [
        'LEVELS = [("read", "Can view"), ("write", "Can edit"), ("manage", "Can manage")]',
        'ORDER = ("manage", "write", "read")',
        'DONE = ("succeeded", "failed", "cancelled")',
        'label = "Paused: waiting for someone to resume it"',
    ],
)
def test_the_check_finds_a_second_table(source):
    assert offences(source)


def test_templates_count_with_the_one_filter():
    """Templates count through `{{ n|count:"workflow" }}`, never Django's `pluralize`."""
    root = Path(__file__).resolve().parents[2] / "templates"
    users = [p.name for p in root.rglob("*.html") if "|pluralize" in p.read_text()]
    assert users == []
