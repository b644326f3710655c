"""Bulk work as rows: a job, one item per workflow, the wizard's draft, and the notifications
that tell the person who started a job how it ended. Progress is data: tasks write these rows
as they go and pages read them, so nothing anyone needs lives only in a Celery result."""

from django.conf import settings
from django.db import models

from workflows_app.words.triage import REASONS


class BulkJob(models.Model):
    """One bulk action over many workflows, acting with its starter's own key.

    The key is kept encrypted only while the job may still call upstream: it is blanked when
    the job finishes or is cancelled (and put back, from the session, to retry failed items).
    """

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "Transfer ownership"
        SHARE = "share", "Give access"
        REVOKE = "revoke", "Remove access"
        ARCHIVE = "archive", "Archive"

    class State(models.TextChoices):
        # Waiting for the same person's running job to end (one running per person).
        WAITING = "waiting", "Waiting"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulk_jobs"
    )
    actor_civis_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    parameters = models.JSONField(default=dict)
    encrypted_key = models.TextField(blank=True)
    concurrency = models.PositiveSmallIntegerField(default=8)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    summary_sent_at = models.DateTimeField(null=True, blank=True)
    # Names the one chain of slices that may work the job: a slice carrying another token
    # exits, so a restarted chain never runs beside the one it replaced.
    chain = models.CharField(max_length=40, blank=True)
    # Why calls wait until `paused_until`: "rate" (the platform asked to slow down) or
    # "unreachable" (it did not answer at all); the page says which.
    pause_reason = models.CharField(max_length=20, blank=True)
    # Since when the platform has not answered at all (None while it answers): time paused for
    # an outage does not count towards an item's giving up (runner.GIVE_UP_AFTER).
    unreachable_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"bulk job {self.pk} ({self.kind}, {self.state})"

    @property
    def is_active(self) -> bool:
        """Not over yet: running, or waiting its turn (either can be cancelled)."""
        return self.state in (self.State.RUNNING, self.State.WAITING)

    @property
    def settled_count(self) -> int:
        return self.done_count + self.failed_count + self.skipped_count


class BulkItem(models.Model):
    """One workflow of a job. `params` overrides the job's for this item (e.g. a suggested
    new owner); `known_owner_id` is the owner seen when the job was made, so a transfer to
    someone who already owns it needs no call at all."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "In progress"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    workflow_id = models.BigIntegerField()
    workflow_name = models.CharField(max_length=500)
    known_owner_id = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    outcome = models.TextField(blank=True)
    # A done item where something asked for did not happen (things the workflow uses left
    # unshared, the leaver's access left in place): what, and what the person can do about it.
    # Not empty: the item reads "Done, with problems", and so does its job.
    problem = models.TextField(blank=True)
    upstream_status = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # After a transient failure: not claimed again before this time (a growing wait).
    not_before = models.DateTimeField(null=True, blank=True)
    # When its first transient failure came: the item is reported failed only after trying
    # for a stated time (runner.GIVE_UP_AFTER) from then.
    trying_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "workflow_id"], name="bulk_item_once_per_job")
        ]
        indexes = [models.Index(fields=["job", "state"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"item {self.workflow_id} of job {self.job_id} ({self.state})"


class BulkDraft(models.Model):
    """A wizard in progress: the candidates listed upstream once, what is selected (kept
    across pages), and the choices so far. Deleted when its job is created."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=BulkJob.Kind.choices)
    source_id = models.BigIntegerField()
    source_name = models.CharField(max_length=300)
    candidates = models.JSONField(default=list)
    selected = models.JSONField(default=list)
    choices = models.JSONField(default=dict)
    list_pages = models.PositiveIntegerField(default=0)
    # Workflows of the person the viewer cannot manage, so cannot move or share: not offered.
    not_manageable = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"draft {self.pk} ({self.kind}) of {self.source_name}"


class Notification(models.Model):
    """A message for one person in their notification centre (`workflows_app/notifications`):
    bulk job summaries (also shown once on their next page) and what happened to the
    workflows they watch. `reason` says which (words in words/notifications.py)."""

    class Reason(models.TextChoices):
        FAILED = "failed", REASONS["failed"]
        RECOVERED = "recovered", REASONS["recovered"]
        FINISHED = "finished", REASONS["finished"]
        WAITING = "waiting", REASONS["waiting"]
        DID_NOT_START = "did_not_start", REASONS["did_not_start"]
        RUNNING_LONG = "running_long", REASONS["running_long"]
        TRANSFER = "transfer", REASONS["transfer"]
        SHARED = "shared", REASONS["shared"]

    class Level(models.TextChoices):
        SUCCESS = "success", "Success"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"
        INFO = "info", "Info"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.INFO)
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.TRANSFER)
    read_at = models.DateTimeField(null=True, blank=True)
    workflow_id = models.BigIntegerField(null=True, blank=True)
    execution_id = models.BigIntegerField(null=True, blank=True)
    episode = models.ForeignKey(
        "workflows_app.FailureEpisode", null=True, blank=True, on_delete=models.SET_NULL
    )
    # Toasts are shown once on the next page (bulk summaries); the others live in the inbox.
    toast = models.BooleanField(default=True)
    # Email: wanted for this notice (by its reason), and when sent (at once or in a digest).
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
