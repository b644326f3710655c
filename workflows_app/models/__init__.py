"""The console's own tables: who is signed in with which (encrypted) key, and the audit log.
Facts about workflows are never stored here; they come from the Civis API."""

from django.conf import settings
from django.db import models


class CivisAccount(models.Model):
    """Maps a Django user to the Civis user whose API key signed them in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="civis"
    )
    civis_user_id = models.BigIntegerField(unique=True)
    name = models.CharField(max_length=255)
    username = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=255, blank=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.civis_user_id})"


class SessionKey(models.Model):
    """An API key bound to one browser session, encrypted at rest, deleted at sign-out."""

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    encrypted_key = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key for session of user {self.user_id}"


class AuditEntry(models.Model):
    """One mutating call to the Civis API made through the console, whatever its outcome."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_civis_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True, db_index=True)
    # The object's name when the change was made (a workflow renamed later keeps its old name
    # here); empty when the console did not know it.
    object_name = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    upstream_status = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.outcome}"

    @property
    def action_words(self) -> str:
        from workflows_app.audit.record import action_words

        return action_words(self.action)

    @property
    def what(self) -> str:
        """The row's "what": the detail when it says the change in full ("Archived")."""
        from workflows_app.audit.record import headline

        return headline(self.action, self.outcome == self.Outcome.SUCCEEDED, self.detail)

    @property
    def which(self) -> str:
        """What the change was made to, in words: the workflow's name at the time."""
        from workflows_app.words.audit import someone, which_workflow

        if self.object_type == "workflow":
            return which_workflow(self.object_name, self.object_id)
        if not self.object_id and not self.object_name:
            return ""
        return someone(self.object_type, self.object_id, self.object_name)


from workflows_app.models.bulk import BulkDraft, BulkItem, BulkJob, Notification  # noqa: E402, F401
from workflows_app.models.revisions import WorkflowRevision  # noqa: E402, F401
from workflows_app.models.runs import ExecutionIndexSweep, IndexedExecution  # noqa: E402, F401
from workflows_app.models.triage import (  # noqa: E402, F401
    FailureEpisode,
    NotificationSettings,
    TrackedRun,
    TrackedWorkflow,
    Watch,
)
