"""Triage: what the refresh engine last learned about the workflows people care about, the
failure episodes it opened and closed, who watches what, and how each person wants to be told.

Facts here are copies of what the platform said at `read_at`, kept so that the front page and
the notification centre never have to ask the platform for every workflow on every view. Who may
see a row is still decided by the platform: a watch whose person lost access is marked and its
person is told nothing more (see `workflows_app/triage/access.py`).
"""

from datetime import datetime

from django.conf import settings
from django.db import models

from workflows_app.words.triage import EMAIL_CHOICES, WATCH_MODES


class Watch(models.Model):
    """One person watching one workflow. Rows made `by_default` are the person's own workflows;
    turning one off keeps the row with mode `none`, so it is not made again."""

    class Mode(models.TextChoices):
        EVERY_FINISH = "all", WATCH_MODES["all"]
        FAILURES = "failures", WATCH_MODES["failures"]
        NOTHING = "none", WATCH_MODES["none"]

    account = models.ForeignKey(
        "workflows_app.CivisAccount", on_delete=models.CASCADE, related_name="watches"
    )
    workflow_id = models.BigIntegerField(db_index=True)
    workflow_name = models.CharField(max_length=255, blank=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.FAILURES)
    by_default = models.BooleanField(default=False)
    # The person's access level as last seen with their own key ("read", "write", "manage").
    level = models.CharField(max_length=20, blank=True)
    # Set when the platform refused this person the workflow; nothing is told while set.
    access_lost_at = models.DateTimeField(null=True, blank=True)
    access_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "workflow_id"], name="one_watch_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} watches {self.workflow_id} ({self.mode})"

    @property
    def active(self) -> bool:
        return self.mode != self.Mode.NOTHING and self.access_lost_at is None


class TrackedWorkflow(models.Model):
    """One workflow the refresh engine reads, once per interval whoever watches it."""

    workflow_id = models.BigIntegerField(unique=True)
    name = models.CharField(max_length=255, blank=True)
    owner_civis_id = models.BigIntegerField(null=True, blank=True)
    scheduled = models.BooleanField(default=False)
    next_execution_at = models.DateTimeField(null=True, blank=True)
    # The due time already reported as "did not start" (once per due time).
    missed_at = models.DateTimeField(null=True, blank=True)
    running = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    meta_read_at = models.DateTimeField(null=True, blank=True)
    next_read_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reads = models.PositiveIntegerField(default=0)
    reader = models.ForeignKey(
        "workflows_app.CivisAccount", null=True, blank=True, on_delete=models.SET_NULL
    )
    # Median of the recent finished runs (seconds), for "running much longer than usual".
    median_seconds = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"tracked workflow {self.workflow_id}"


class TrackedRun(models.Model):
    """A run of a tracked workflow as last read; the engine compares with it to see changes."""

    workflow_id = models.BigIntegerField()
    execution_id = models.BigIntegerField(unique=True)
    state = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    ran_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set once the run has been told about (finish, pause or running long), so never twice.
    told_finish = models.BooleanField(default=False)
    told_paused = models.BooleanField(default=False)
    told_long = models.BooleanField(default=False)
    # Not stored: when the front page counts its time from (its retry's start, if later).
    running_since: datetime | None = None

    class Meta:
        indexes = [models.Index(fields=["workflow_id", "-execution_id"])]
        ordering = ["-execution_id"]

    def __str__(self) -> str:
        return f"run {self.execution_id} of {self.workflow_id} ({self.state})"


class FailureEpisode(models.Model):
    """Consecutive failed runs of one workflow: opened by the first, closed by the next success."""

    workflow_id = models.BigIntegerField(db_index=True)
    workflow_name = models.CharField(max_length=255, blank=True)
    opened_at = models.DateTimeField()
    first_execution_id = models.BigIntegerField()
    last_execution_id = models.BigIntegerField()
    failed_runs = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=64, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    recovered_execution_id = models.BigIntegerField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "workflows_app.CivisAccount", null=True, blank=True, on_delete=models.SET_NULL
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # What it looked like when acknowledged: worse than this brings it back.
    acknowledged_runs = models.PositiveIntegerField(default=0)
    acknowledged_kind = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow_id"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_episode_per_workflow",
            )
        ]

    def __str__(self) -> str:
        return f"episode {self.pk} of workflow {self.workflow_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class NotificationSettings(models.Model):
    """How one person wants to be emailed, and what the engine knows about what they own."""

    class Email(models.TextChoices):
        IMMEDIATELY = "now", EMAIL_CHOICES["now"]
        DIGEST = "digest", EMAIL_CHOICES["digest"]
        NEVER = "never", EMAIL_CHOICES["never"]

    account = models.OneToOneField(
        "workflows_app.CivisAccount", on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.CharField(max_length=20, choices=Email.choices, default=Email.IMMEDIATELY)
    digest_time = models.TimeField(default="08:00")
    time_zone = models.CharField(max_length=64, default=settings.TIME_ZONE)
    last_digest_on = models.DateField(null=True, blank=True)
    owned_listed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notification settings of {self.account_id}"
