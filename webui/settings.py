"""Settings for the Workflows Console. Everything that differs between machines comes from the
environment (see .env.example); the defaults are safe for development only."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu.entity import Exchange, Queue

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "workflows_app",
    "civis_local",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workflows_app.core.middleware.ConsoleMiddleware",
]

ROOT_URLCONF = "webui.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "workflows_app.core.context_processors.shell",
                "workflows_app.notifications.inbox.notifications",
            ],
        },
    }
]

WSGI_APPLICATION = "webui.wsgi.application"
ASGI_APPLICATION = "webui.asgi.application"

# The console's own tables only (sessions, bulk jobs, audit log). Workflows live upstream.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'console.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: the Celery worker a test starts must see the test database too.
    # CONSOLE_TEST_DB lets parallel test runs (and their workers) use separate files.
    # By default one file per test run (the pytest process id); the worker a test starts is
    # handed the name in CONSOLE_TEST_DB.
    _test_db = env_str("CONSOLE_TEST_DB", str(VAR_DIR / f"test-console-{os.getpid()}.sqlite3"))
    DATABASES["default"]["TEST"] = {"NAME": _test_db}
    # WAL: readers never wait for the writer, and commits are cheap, so web requests and
    # the worker's bulk-job threads share one file without queueing behind each other.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if env_bool("CONSOLE_USE_TEST_DATABASE", False):
    # Set only for processes a test starts (a Celery worker) so they share the test database.
    _db = DATABASES["default"]
    _db["NAME"] = _db.get("TEST", {}).get("NAME") or f"test_{_db['NAME']}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "console",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
    }
}

# Upstream Civis API: the real platform, or civis_local (the embedded default).
CIVIS_API_ENDPOINT = env_str("CIVIS_API_ENDPOINT", "http://127.0.0.1:8001/")
if not CIVIS_API_ENDPOINT.endswith("/"):
    CIVIS_API_ENDPOINT += "/"
# The local API's admin key: lets the sign-in page offer the demo people (DEBUG only).
CIVIS_LOCAL_ADMIN_KEY = env_str("CIVIS_LOCAL_ADMIN_KEY", "local-admin-key" if DEBUG else "")
# Console administrators: the Civis user ids (comma-separated) who choose, on the audit log's
# "Who reads everyone's changes" page, who may read every person's entries.
CONSOLE_ADMINS = [
    int(value) for value in env_list("CONSOLE_ADMINS", []) if value.isascii() and value.isdigit()
]
CIVIS_CONNECT_TIMEOUT = 3.05
CIVIS_READ_TIMEOUT = env_int("CIVIS_READ_TIMEOUT", 30)

# Fernet key for API keys kept server-side. In development one is derived from SECRET_KEY.
CONSOLE_ENCRYPTION_KEY = env_str("CONSOLE_ENCRYPTION_KEY", "")
if not CONSOLE_ENCRYPTION_KEY and not DEBUG:
    raise ImproperlyConfigured("CONSOLE_ENCRYPTION_KEY must be set when DEBUG is off")

# Sessions are read from the cache (Redis) and written through to the database, which stays
# the record (the pollers and the index ask it whether a session is alive, retention prunes it).
# A page's own refreshes (the live status of a run) then cost no database query to know who
# asks; with Redis down a session is read from the database.
SESSION_ENGINE = "workflows_app.core.sessions"
# The first reads the signed-in user with their account in one query; ModelBackend stays for
# sessions that name it (signed in before the first existed): see core/signed_in_user.py.
AUTHENTICATION_BACKENDS = [
    "workflows_app.core.signed_in_user.AccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 60 * 60 * 8)
# The age above is an idle timeout: ConsoleMiddleware extends it on every request a person
# makes, but not on the polls a page makes by itself (X-Console-Poll), so an open tab expires.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# How many reverse proxies in front of the console append to X-Forwarded-For (0: none). Only
# with a proxy in front is its X-Forwarded-Proto believed: with none, any browser could send
# "X-Forwarded-Proto: https" over plain HTTP and be taken for a secure request.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# /healthz reuses its answer for this long (it is public and each check costs a Celery task).
HEALTHZ_CACHE_SECONDS = env_int("HEALTHZ_CACHE_SECONDS", 5)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []
LOGIN_URL = "/sign-in/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic puts the files whitenoise serves with DEBUG off (the gunicorn the browser
# tests start collects into a folder of its own, beside a `make serve` on the same checkout).
STATIC_ROOT = Path(env_str("STATIC_ROOT", "") or VAR_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail (bulk summaries, notifications): SMTP when EMAIL_HOST is set, else printed to the log.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS on EMAIL_PORT
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the first byte (usually port 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "workflows-console@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A message the mail server did not take is tried again by a worker (core/mail.py): first after
# MAIL_RETRY_FIRST_WAIT seconds, then doubling (at most 30 minutes), MAIL_RETRY_TRIES tries in all.
MAIL_RETRY_FIRST_WAIT = env_int("MAIL_RETRY_FIRST_WAIT", 30)
MAIL_RETRY_TRIES = env_int("MAIL_RETRY_TRIES", 10)
MAIL_QUEUE = env_str("MAIL_QUEUE", "live")

# Celery: JSON only, late acks with one task prefetched, so a killed worker's task is redelivered.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Enforced by the prefork pool (`make serve`, `make run`): past the soft limit a task gets
# SoftTimeLimitExceeded and stops cleanly; past the hard limit its process is killed.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# Two queues, so neither starves the other: `live` (polls, refreshes, everything else) and
# `bulk` (bulk jobs). The one routing definition: a worker started without -Q takes both.
LIVE_QUEUE = "live"
BULK_QUEUE = "bulk"
CELERY_TASK_DEFAULT_QUEUE = LIVE_QUEUE
CELERY_TASK_QUEUES = [  # kombu's classes carry no types
    Queue(name, Exchange(name), routing_key=name)  # type: ignore[no-untyped-call]
    for name in (LIVE_QUEUE, BULK_QUEUE)
]
# The sweeper stays on `live`, so it runs while every bulk worker is busy. The wizard's long
# reads (hundreds of calls each) go to `bulk` too: the live polls never wait behind them.
CELERY_TASK_ROUTES = {
    "bulk.run_job": {"queue": BULK_QUEUE},
    "bulk.read_for_wizard": {"queue": BULK_QUEUE},
    "bulk.read_for_job": {"queue": BULK_QUEUE},
}
# Longer than any task may run (time limit above), so Redis never redelivers a live task.
# A lost broker connection is noticed within seconds (health checks) and retried for ever:
# the worker outlives a Redis restart (celery is pinned below 5.7, whose consumer dies
# restoring unacknowledged messages on a closed connection; tests/bulk/test_broker_restart.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 5,
    "health_check_interval": 10,
}
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 10
# A task in flight when the connection drops keeps running (a threads pool cannot stop it,
# and every task here is safe to finish: a bulk slice records its own items in the database).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Keep signed-in people's execution index (/executions/) fresh; stale after 5 minutes.
    "refresh-execution-indexes": {
        "task": "executions.refresh_indexes",
        "schedule": env_int("EXECUTION_INDEX_REFRESH_SECONDS", 120),
    },
    # Bulk jobs: re-queue items of dead workers and restart jobs with work left.
    # Often enough that a silent bulk runner (20 s without a beat) is replaced within 30 s.
    "sweep-bulk-jobs": {"task": "bulk.sweep", "schedule": 10},
    # Delete the stored keys of sessions that timed out.
    "purge-stale-keys": {"task": "accounts.purge_stale_keys", "schedule": 600},
    # Delete expired sessions, and what has outlived its retention (below), in batches.
    "prune-retention": {
        "task": "retention.prune",
        "schedule": env_int("RETENTION_EVERY_SECONDS", 3600),
    },
    # Triage: read the watched workflows that are due (each once per interval, see below).
    "triage-refresh": {"task": "triage.refresh", "schedule": env_int("TRIAGE_TICK_SECONDS", 5)},
    # Daily digests whose time has come, in each person's zone.
    "notification-digests": {"task": "notifications.send_digests", "schedule": 60},
}
# Triage refresh engine: a watched workflow is read once per TRIAGE_REFRESH_SECONDS, or once per
# TRIAGE_RUNNING_REFRESH_SECONDS while a run is in progress, however many people watch it; a
# schedule counts as "did not start" TRIAGE_LATE_GRACE_SECONDS after its due time.
TRIAGE_REFRESH_SECONDS = env_int("TRIAGE_REFRESH_SECONDS", 60)
TRIAGE_RUNNING_REFRESH_SECONDS = env_int("TRIAGE_RUNNING_REFRESH_SECONDS", 15)
TRIAGE_LATE_GRACE_SECONDS = env_int("TRIAGE_LATE_GRACE_SECONDS", 300)
# How often an open page asks for the unread count in the navigation.
NOTIFICATION_COUNT_POLL_SECONDS = env_int("NOTIFICATION_COUNT_POLL_SECONDS", 30)
# The console's address as people reach it: emails link back with absolute addresses.
CONSOLE_BASE_URL = env_str("CONSOLE_BASE_URL", "http://127.0.0.1:8000/")
# Retention, in days (0: for ever): read notifications, the items of bulk jobs that ended
# (the job and its counts stay), execution index rows, the audit log (kept for ever by default).
RETAIN_READ_NOTIFICATIONS_DAYS = env_int("RETAIN_READ_NOTIFICATIONS_DAYS", 90)
RETAIN_BULK_ITEMS_DAYS = env_int("RETAIN_BULK_ITEMS_DAYS", 90)
RETAIN_INDEX_DAYS = env_int("RETAIN_INDEX_DAYS", 30)
RETAIN_AUDIT_DAYS = env_int("RETAIN_AUDIT_DAYS", 0)
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 1000)
# Bulk jobs: item calls at once per job, and how long a claimed item may go unrecorded.
BULK_CONCURRENCY = env_int("BULK_CONCURRENCY", 12)
BULK_CLAIM_TIMEOUT_SECONDS = env_int("BULK_CLAIM_TIMEOUT_SECONDS", 20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact_keys": {"()": "workflows_app.core.redaction.RedactKeys"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_keys"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
