"""Celery finds the console's tasks here. Each feature keeps its tasks in its own module and is
imported below, so workers register them all."""

from . import tasks_accounts, tasks_executions  # noqa: E402, F401
from .bulk import tasks as bulk_tasks  # noqa: E402, F401
