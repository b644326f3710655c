"""Failure episodes: consecutive failed runs of one workflow are one thing to look at.

Opened by the first failed run (its notice is the episode's one email), grown by each further
failure, closed by the next success ("recovered at ..."). An acknowledgement with a note hides
the episode from everyone's attention list until it gets worse: a new kind of error, or
`WORSE_AFTER` more failed runs; it can be undone.
"""

from __future__ import annotations

import hashlib
import re

from django.utils import timezone

from workflows_app.models import CivisAccount, FailureEpisode
from workflows_app.runs.facts import plain_words

WORSE_AFTER = 3  # more failed runs after an acknowledgement bring the episode back

_NUMBERS = re.compile(r"\d+")


def error_in_words(info: str | None) -> str:
    """The error as people read it: the console's words when it has some, else the text."""
    text = (info or "").strip()
    if not text:
        return "The platform did not say why."
    return plain_words(text) or text


def error_kind(info: str | None) -> str:
    """Errors of the same kind differ only in numbers (run ids, seconds)."""
    text = _NUMBERS.sub("#", (info or "").strip().lower())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def open_episode(workflow_id: int) -> FailureEpisode | None:
    return FailureEpisode.objects.filter(workflow_id=workflow_id, closed_at__isnull=True).first()


def got_worse(episode: FailureEpisode) -> bool:
    if not episode.acknowledged:
        return False
    if episode.acknowledged_kind and episode.error_kind != episode.acknowledged_kind:
        return True
    return episode.failed_runs >= episode.acknowledged_runs + WORSE_AFTER


def record_failure(
    workflow_id: int, name: str, execution_id: int, info: str | None, at
) -> tuple[FailureEpisode, bool]:
    """Add a failed run; returns the episode and whether this run opened it."""
    episode = open_episode(workflow_id)
    if episode is None:
        episode = FailureEpisode.objects.create(
            workflow_id=workflow_id,
            workflow_name=name[:255],
            opened_at=at or timezone.now(),
            first_execution_id=execution_id,
            last_execution_id=execution_id,
            failed_runs=1,
            error=(info or "")[:5000],
            error_kind=error_kind(info),
        )
        return episode, True
    episode.failed_runs += 1
    episode.last_execution_id = execution_id
    episode.error = (info or "")[:5000]
    episode.error_kind = error_kind(info)
    if got_worse(episode):
        unacknowledge(episode, save=False)
    episode.save()
    return episode, False


def record_success(workflow_id: int, execution_id: int, at) -> FailureEpisode | None:
    """A successful run closes the open episode, if any; returns the episode it closed."""
    episode = open_episode(workflow_id)
    if episode is None or execution_id < episode.first_execution_id:
        return None
    episode.closed_at = at or timezone.now()
    episode.recovered_execution_id = execution_id
    episode.save(update_fields=["closed_at", "recovered_execution_id"])
    return episode


def acknowledge(episode: FailureEpisode, account: CivisAccount, note: str) -> None:
    episode.acknowledged_by = account
    episode.acknowledged_at = timezone.now()
    episode.note = note.strip()[:500]
    episode.acknowledged_runs = episode.failed_runs
    episode.acknowledged_kind = episode.error_kind
    episode.save()


def unacknowledge(episode: FailureEpisode, save: bool = True) -> None:
    episode.acknowledged_by = None
    episode.acknowledged_at = None
    episode.note = ""
    episode.acknowledged_runs = 0
    episode.acknowledged_kind = ""
    if save:
        episode.save()


def for_execution(workflow_id: int, execution_id: int) -> FailureEpisode | None:
    """The episode an execution belongs to (shown on its page with its acknowledgement)."""
    return (
        FailureEpisode.objects.filter(
            workflow_id=workflow_id,
            first_execution_id__lte=execution_id,
            last_execution_id__gte=execution_id,
        )
        .select_related("acknowledged_by")
        .first()
    )
