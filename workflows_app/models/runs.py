"""The console's own index of executions across workflows, one row per (person, execution).

The Civis API lists executions only one workflow at a time, so `/executions/` reads this index
instead. It is filled as people open workflow and execution pages (`execution_index.
index_executions`) and refreshed in the background for people who are signed in
(`tasks_executions.refresh_execution_indexes`). Rows are per person because what someone may
see is decided by the platform for their own key: one person's index never shows another's.

Who the background work acts as is a reference to a `SessionKey` row (its primary key), never
the key itself: a sign-out deletes that row, and the work stops acting for that person.
"""

from django.db import models


class IndexedExecution(models.Model):
    """One execution a person could see the last time the console looked, as it was then."""

    account = models.ForeignKey(
        "workflows_app.CivisAccount", on_delete=models.CASCADE, related_name="indexed_executions"
    )
    workflow_id = models.BigIntegerField()
    workflow_name = models.CharField(max_length=255, blank=True)
    execution_id = models.BigIntegerField()
    state = models.CharField(max_length=40, blank=True, db_index=True)
    mistral_state = models.CharField(max_length=40, blank=True)
    ran_by = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True, db_index=True)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "execution_id"], name="one_index_row_per_person_execution"
            )
        ]
        indexes = [models.Index(fields=["account", "-created_at"])]
        ordering = ["-created_at", "-execution_id"]

    def __str__(self) -> str:
        return f"execution {self.execution_id} of workflow {self.workflow_id} ({self.state})"


class ExecutionIndexSweep(models.Model):
    """When a person's whole index was last refreshed, so the page can say how fresh it is."""

    account = models.OneToOneField(
        "workflows_app.CivisAccount", on_delete=models.CASCADE, related_name="execution_sweep"
    )
    swept_at = models.DateTimeField(null=True, blank=True)
    workflows_seen = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"index of {self.account_id} swept at {self.swept_at}"
