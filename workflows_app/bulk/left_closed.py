"""What a bulk move left closed to a workflow's new owner, for that workflow's own page.

A transfer that could not share everything the workflow uses records the things it left
closed on its item (`params["left_closed"]`, written by the runner from the kind's outcome).
The workflow's page reads those rows, never the platform: the new owner, who is the one whose
next run may fail, is told there too, not only the person who ran the job.

The rule for showing it: to the person the job moved it to, while they still own it, for
NOTE_DAYS after the move. The console cannot tell whether someone has shared those things
since (that would be a call on every page view), so the panel says "may" and says how long it
stays. A transfer is always to one person (`put_transfer` takes a user), never to a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from workflows_app.models import CivisAccount
from workflows_app.models.bulk import BulkItem, BulkJob
from workflows_app.words import bulk as words

NOTE_DAYS = 30


@dataclass(frozen=True)
class LeftClosed:
    """One move of this workflow to the viewer that left things it uses closed to them."""

    job_id: int
    job_title: str
    moved_at: datetime
    moved_by: str
    things: tuple[dict, ...]  # kind, id, name (None: hidden), owner (None: not known)
    # A job's page is its starter's alone (bulk/views._job_for): linked only for them, else
    # named, so the new owner is never sent to a page they cannot open.
    job_is_theirs: bool = False

    @property
    def rows(self) -> list[dict]:
        """Each thing as the job page named it, and who can share it."""
        return [
            {
                "label": words.thing_label(t.get("kind") or "item", t.get("name"), t["id"]),
                "who": words.left_closed_who(t.get("owner")),
            }
            for t in self.things
        ]

    heading = words.LEFT_CLOSED_HEADING
    see_job = words.LEFT_CLOSED_SEE_JOB

    @property
    def lead(self) -> str:
        return words.left_closed_lead(len(self.things))

    @property
    def moved_by_words(self) -> str:
        return words.left_closed_moved_by(self.moved_by, self.job_title)

    @property
    def how_long(self) -> str:
        return words.left_closed_how_long(NOTE_DAYS, len(self.things))


def left_closed(workflow_id: int, viewer_id: int, owner_id: int | None) -> LeftClosed | None:
    """What the latest finished move of `workflow_id` to `viewer_id` in the last NOTE_DAYS
    left closed to them (None: nothing, or the viewer no longer owns it). Database only."""
    if owner_id is None or owner_id != viewer_id:
        return None
    items = (
        BulkItem.objects.filter(
            workflow_id=workflow_id,
            state=BulkItem.State.DONE,
            job__kind=BulkJob.Kind.TRANSFER,
            job__state=BulkJob.State.FINISHED,
            finished_at__gte=timezone.now() - timedelta(days=NOTE_DAYS),
        )
        .select_related("job")
        .order_by("-finished_at", "-id")
    )
    for item in items[:20]:
        params = {**item.job.parameters, **item.params}
        if params.get("item_kind") == "remove_access":  # an offboarding item that moves nothing
            continue
        if str(params.get("user_id")) != str(viewer_id) or item.finished_at is None:
            continue
        things = tuple(
            t for t in params.get("left_closed") or () if isinstance(t, dict) and "id" in t
        )
        if not things:
            return None  # the latest move to them left nothing closed
        account = CivisAccount.objects.filter(user_id=item.job.started_by_id).first()
        return LeftClosed(
            item.job_id,
            item.job.title,
            item.finished_at,
            account.name if account and account.name else "",
            things,
            job_is_theirs=account is not None and account.civis_user_id == viewer_id,
        )
    return None
