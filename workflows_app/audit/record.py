"""Writes the audit log: the service module reports every mutating upstream call here."""

from django.db.models import Q

from workflows_app.civis import audit as civis_audit
from workflows_app.civis.types import Schedule
from workflows_app.models import AuditEntry, CivisAccount
from workflows_app.words import audit as audit_words
from workflows_app.words import changes as change_words
from workflows_app.words import git as git_words
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
    "allow_audit_reader": "Let someone read everyone's changes",
    "stop_audit_reader": "Stopped someone reading everyone's changes",
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


# Edits whose detail names the changed fields: said in words, not as a list of API names.
WORKFLOW_WRITES = ("post", "put", "patch")


def detail_words(action: str, detail, names=None) -> str:
    """The audit row's detail in words: a sentence for a workflow write, the people, levels and
    runs a change names, never API names ("with the things it uses; new owner Dmitri Volkov")."""
    detail = dict(detail)
    names = dict(names or {})
    parts = []
    if action in git_words.GIT_WRITES:
        parts.append(git_words.audit_detail(action, detail))
    if action in WORKFLOW_WRITES and "fields" in detail:
        parts += _workflow_write(action, detail, names)

    def name_of(kind: str, object_id) -> str:
        return audit_words.someone(kind, object_id, names.get(f"{kind}:{object_id}", ""))

    parts += audit_words.change_details(action, detail, name_of)
    parts += audit_words.other_details(detail)
    return audit_words.sentence(parts)


def _workflow_write(action: str, detail: dict, names: dict) -> list[str]:
    """'Changed its name; schedule set to every weekday at 07:00 (Chicago time)': the fields
    in words, then what the schedule, time zone and emails were set to (popped from `detail`)."""
    fields = detail.pop("fields") or []
    said = []
    schedule, zone = detail.pop("schedule", None), detail.pop("time_zone", None)
    if isinstance(schedule, dict):
        said.append(change_words.schedule_now(Schedule.from_request(schedule), zone))
    elif isinstance(zone, str):
        said.append(change_words.time_zone_now(zone))
    emails = detail.pop("emails", None)
    if isinstance(emails, dict):
        said += change_words.emails_now(emails, lambda a: names.get(f"email:{a.casefold()}", a))
    rest = [f for f in fields if f not in change_words.SAID_WITH_VALUES] if said else fields
    if rest or not said or action == "put":
        said.insert(0, audit_change(action, rest))
    return said


def _addresses(detail) -> list[str]:
    emails = detail.get("emails")
    if not isinstance(emails, dict):
        return []
    listed = [*(emails.get("success_email_addresses") or ()),
              *(emails.get("failure_email_addresses") or ())]  # fmt: skip
    return [a for a in listed if isinstance(a, str) and a][:50]


def _names(event: civis_audit.AuditEvent) -> tuple[str, dict[str, str]]:
    """The object's name and the people's, from the event, else from what the console knows:
    the people who signed in, and the name an earlier entry recorded for the same object."""
    names = dict(event.names)
    ids = [
        int(value)
        for key, values in event.detail.items()
        if key in ("user_id", "user_ids")
        for value in (values if isinstance(values, list) else [values])
        if f"user:{value}" not in names and str(value).isdigit()
    ]
    for account in CivisAccount.objects.filter(civis_user_id__in=ids):
        names[f"user:{account.civis_user_id}"] = account.name
    # An email recipient who has signed in is named ("Ada Okafor"); anyone else by address.
    addresses = _addresses(event.detail)
    if addresses:
        by_address = Q()
        for address in addresses:
            by_address |= Q(email__iexact=address)
        for account in CivisAccount.objects.filter(by_address).exclude(name=""):
            names.setdefault(f"email:{account.email.casefold()}", account.name)
    object_name = event.object_name
    if not object_name and event.object_id is not None:
        if event.object_type == "user":
            person = CivisAccount.objects.filter(civis_user_id=event.object_id).first()
            object_name = person.name if person else ""
        else:
            earlier = (
                AuditEntry.objects.filter(
                    object_type=event.object_type, object_id=str(event.object_id)
                )
                .exclude(object_name="")
                .values_list("object_name", flat=True)
                .first()
            )
            object_name = earlier or ""
    return object_name, names


# Actions whose detail says in full what was done ("Schedule set to ...", "Archived"): once
# done, the audit page shows that sentence as what happened, not "Changed a workflow".
SAID_BY_DETAIL = ("put", "patch", "put_archive")


def headline(action: str, succeeded: bool, detail: str) -> str:
    """What an entry's row says happened: the detail's sentence when it says it in full."""
    if succeeded and detail and action in SAID_BY_DETAIL:
        return detail
    return action_words(action)


OUTCOMES = {"success": AuditEntry.Outcome.SUCCEEDED, "failure": AuditEntry.Outcome.FAILED}


def write_entry(event: civis_audit.AuditEvent) -> None:
    account = (
        CivisAccount.objects.filter(civis_user_id=event.actor_id).select_related("user").first()
        if event.actor_id is not None
        else None
    )
    object_name, names = _names(event)
    AuditEntry.objects.create(
        actor=account.user if account else None,
        actor_civis_id=event.actor_id,
        actor_name=account.name if account else "",
        action=event.action,
        object_type=event.object_type,
        object_id="" if event.object_id is None else str(event.object_id),
        outcome=OUTCOMES[event.outcome],
        upstream_status=event.upstream_status,
        object_name=object_name[:500],
        detail=detail_words(event.action, event.detail, names)[:2000],
    )


def install() -> None:
    civis_audit.set_recorder(write_entry)
