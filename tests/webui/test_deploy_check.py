"""With DEBUG off and production secrets set, `check --deploy` has nothing to say."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

from tests.conftest import ROOT


def test_check_deploy_is_clean_in_production_mode():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": Fernet.generate_key().decode() * 2,
        "CONSOLE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "console.example.org",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by browser tests in this process only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
