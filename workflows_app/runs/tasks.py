"""Celery tasks for executions: the live poller's steps and the execution index refreshes.

Arguments are plain ids. A task that reads the platform acts as a person through a reference
to their `SessionKey` row (decrypted when it runs), never with a key in the message. The logic
lives in `live_status` and `execution_index`, where tests call it directly.
"""

from celery import shared_task

from workflows_app.civis import errors
from workflows_app.models import CivisAccount
from workflows_app.runs import index as execution_index
from workflows_app.runs import live_status


@shared_task(name="executions.poll", ignore_result=True, acks_late=False)
def poll_execution(workflow_id: int, execution_id: int, session_key_id: int, token: str) -> None:
    """One step of the live poller; it schedules the next step itself (never sleeps).

    Not acks_late: a step lost with a killed worker is replaced by the next watcher's
    `ensure_poller` once the lock expires, whereas a redelivered step could run twice."""
    live_status.run_step(workflow_id, execution_id, session_key_id, token)


@shared_task(
    name="executions.sweep_person",
    ignore_result=True,
    autoretry_for=errors.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=3,
)
def sweep_person(account_id: int, session_key_id: int) -> int:
    """Refresh one person's execution index as that person."""
    account = CivisAccount.objects.filter(pk=account_id).first()
    client = live_status.client_for_session_key(session_key_id)
    if account is None or client is None:
        return 0
    return execution_index.sweep(account, client)


@shared_task(name="executions.refresh_indexes", ignore_result=True)
def refresh_execution_indexes() -> int:
    """Periodic (beat): queue a sweep for each signed-in person whose index is stale and who
    looked at /executions/ lately. Everyone else's index rides on the triage refresh engine
    (the runs of the workflows they watch, written as it reads them): an idle session costs
    no upstream call here."""
    queued = 0
    active = execution_index.active_session_keys()
    accounts = CivisAccount.objects.in_bulk(list(active))
    for account_id, session_key_id in active.items():
        account = accounts.get(account_id)
        if (
            account is not None
            and execution_index.looked_lately(account)
            and execution_index.needs_sweep(account)
        ):
            sweep_person.delay(account_id, session_key_id)
            queued += 1
    return queued
