"""Writes the audit log: the service module reports every mutating upstream call here."""

from workflows_app.civis import audit as civis_audit
from workflows_app.models import AuditEntry, CivisAccount
from workflows_app.words.changes import audit_change

# What each audited API method did, in the words of the people who read the log.
ACTION_WORDS = {
    "post": "Created a workflow",
    "put": "Changed a workflow",
    "patch": "Changed a workflow",
    "post_clone": "Copied a workflow",
    "put_archive": "Archived or restored a workflow",
    "put_shares_users": "Gave people access",
    "put_shares_groups": "Gave a group access",
    "delete_shares_users": "Took away a person's access",
    "delete_shares_groups": "Took away a group's access",
    "put_transfer": "Made someone else the owner",
    "put_projects": "Added a workflow to a project",
    "delete_projects": "Took a workflow out of a project",
    "put_git": "Linked a workflow to git",
    "patch_git": "Changed a workflow's git link",
    "post_git_commits": "Saved a new version to git",
    "post_git_checkout": "Loaded a workflow from git",
    "post_git_checkout_latest": "Loaded the latest version from git",
    "post_executions": "Ran a workflow",
    "post_executions_cancel": "Cancelled a run",
    "post_executions_resume": "Resumed a run",
    "post_executions_retry": "Retried a run",
    "post_api_keys": "Made an API key",
    "delete_api_keys": "Revoked an API key",
    "acknowledge_failure": "Acknowledged a failure",
    "undo_acknowledgement": "Took back an acknowledgement",
    "watch_workflow": "Changed how they watch a workflow",
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


# Edits whose detail names the changed fields: said in words, not as a list of API names.
WORKFLOW_WRITES = ("post", "put", "patch")


def detail_words(action: str, detail) -> str:
    """The audit row's detail: a sentence for a workflow write, `name: value` pairs otherwise."""
    detail = dict(detail)
    parts = []
    if action in WORKFLOW_WRITES and "fields" in detail:
        parts.append(audit_change(action, detail.pop("fields") or []))
    if action in WORKFLOW_WRITES and "error" in detail:
        parts.append(f"the platform refused it ({detail.pop('error')})")
    parts += [f"{name}: {value}" for name, value in sorted(detail.items())]
    return ", ".join(parts)


OUTCOMES = {"success": AuditEntry.Outcome.SUCCEEDED, "failure": AuditEntry.Outcome.FAILED}


def write_entry(event: civis_audit.AuditEvent) -> None:
    account = (
        CivisAccount.objects.filter(civis_user_id=event.actor_id).select_related("user").first()
        if event.actor_id is not None
        else None
    )
    AuditEntry.objects.create(
        actor=account.user if account else None,
        actor_civis_id=event.actor_id,
        actor_name=account.name if account else "",
        action=event.action,
        object_type=event.object_type,
        object_id="" if event.object_id is None else str(event.object_id),
        outcome=OUTCOMES[event.outcome],
        upstream_status=event.upstream_status,
        detail=detail_words(event.action, event.detail)[:2000],
    )


def install() -> None:
    civis_audit.set_recorder(write_entry)
