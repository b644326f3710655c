"""Celery tasks for access: reading the viewer's level of the workflows the list does not know
yet (`backfill`). Arguments are plain ids: the person acts through their SessionKey row."""

from celery import shared_task

from workflows_app.access import backfill
from workflows_app.civis import errors
from workflows_app.runs.live_status import client_for_session_key


@shared_task(
    name="access.fill_levels",
    ignore_result=True,
    autoretry_for=errors.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=2,
)
def fill_levels(person_id: int, session_key_id: int, workflow_ids: list[int]) -> int:
    client = client_for_session_key(session_key_id)
    if client is None:
        return 0  # signed out since: nobody to read for
    if client.actor_id != person_id:  # levels are noted for whoever reads them, nobody else
        return 0
    return backfill.read_levels(client, person_id, workflow_ids)
