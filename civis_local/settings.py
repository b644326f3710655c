"""Settings of the local Civis API process (`manage.py runlocalapi`).

Separate from the console's settings on purpose: its own SQLite file (CIVIS_LOCAL_DB), its own
URLs, none of the console's apps, so the console's database never holds these tables.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = False
SECRET_KEY = "civis-local-is-a-test-double-not-a-secret-keeper"  # noqa: S105 (no sessions)
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = ["civis_local.api"]
MIDDLEWARE = ["civis_local.api.middleware.LocalApiMiddleware"]
ROOT_URLCONF = "civis_local.api.urls"
APPEND_SLASH = False

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("CIVIS_LOCAL_DB", str(BASE_DIR / "var" / "civis_local.sqlite3")),
        "CONN_MAX_AGE": None,  # one connection per server thread, kept (server.py pools them)
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

CIVIS_LOCAL_ADMIN_KEY = os.environ.get("CIVIS_LOCAL_ADMIN_KEY", "local-admin-key")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # 4xx answers are the API working as designed; only server errors are worth a log line.
    "loggers": {"django.request": {"level": "ERROR"}},
}
