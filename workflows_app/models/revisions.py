"""Revisions of workflows changed through the console: every save keeps the version it
replaced (name, description, definition), who saved, when, and the plain summary of the change.

The platform keeps no history of a workflow's definition, so this table is the console's own
record; it holds what the saving person could read anyway, and is shown only to people the
platform still lets read the workflow (the history page asks it first)."""

from django.conf import settings
from django.db import models


class WorkflowRevision(models.Model):
    """One save through the console. `*_before` is the version the save replaced (what a
    restore brings back); `updated_at_after` is the workflow's `updatedAt` the save produced,
    so a later edit that finds that time can say who made the change it is looking at."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        RESTORED = "restored", "Restored an earlier version"

    workflow_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHANGED)
    saved_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_civis_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True, help_text="One sentence a line.")
    name_before = models.CharField(max_length=255, blank=True)
    description_before = models.TextField(blank=True)
    definition_before = models.TextField(blank=True)
    updated_at_after = models.DateTimeField(null=True, blank=True, db_index=True)
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"workflow {self.workflow_id} {self.kind} by {self.actor_name} at {self.saved_at}"

    @property
    def sentences(self) -> list[str]:
        return [line for line in self.summary.splitlines() if line.strip()]
