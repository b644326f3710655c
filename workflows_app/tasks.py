"""Celery finds the console's tasks here. Each feature keeps its tasks in its own `tasks.py`,
imported below, so workers register them all."""

from workflows_app.access import tasks as access_tasks  # noqa: F401
from workflows_app.bulk import tasks as bulk_tasks  # noqa: F401
from workflows_app.core import mail as core_mail  # noqa: F401
from workflows_app.core import tasks as core_tasks  # noqa: F401
from workflows_app.notifications import tasks as notifications_tasks  # noqa: F401
from workflows_app.runs import tasks as runs_tasks  # noqa: F401
from workflows_app.triage import tasks as triage_tasks  # noqa: F401
