"""What one item of a bulk job does upstream, per kind of job.

Every action is idempotent: a transfer to the person who already owns the workflow is done
without a call (the owner seen when the job was made, re-checked with a GET when an earlier
attempt may have reached the platform); shares are PUTs and revokes DELETEs, which the
platform treats as "make it so". An action returns an `Outcome` or raises a `CivisError`;
the runner decides what an error means for the item (retry later, or failed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from workflows_app.civis import CivisClient
from workflows_app.civis.types import Dependency
from workflows_app.words.access import describe_access


@dataclass(frozen=True)
class Outcome:
    """What happened to one workflow, in words for the results table."""

    message: str
    upstream_status: int | None = None
    called: bool = True


@dataclass(frozen=True)
class Work:
    """One item as an action needs it: the workflow, the job's parameters with the item's
    own on top, and whether an earlier attempt may already have changed something."""

    workflow_id: int
    known_owner_id: int | None
    params: Mapping[str, Any]
    retried: bool


Action = Callable[[CivisClient, Work], Outcome]


def transfer(client: CivisClient, work: Work) -> Outcome:
    """`put_transfer`, unless the new owner already owns the workflow."""
    target = int(work.params["user_id"])
    name = work.params.get("user_name") or f"person {target}"
    owner_id = work.known_owner_id
    if work.retried:
        workflow = client.get_workflow(work.workflow_id)
        owner_id = workflow.owner.id if workflow.owner else None
    if owner_id == target:
        return Outcome(f"Already owned by {name}. Nothing to change.", called=False)
    dependencies = client.put_transfer(
        work.workflow_id,
        target,
        bool(work.params.get("include_dependencies")),
        email_body=work.params.get("email_body") or None,
        send_email=bool(work.params.get("send_email")),
    )
    return Outcome(f"{name} is now the owner.{_dependency_words(dependencies)}", 200)


def _dependency_words(dependencies: tuple[Dependency, ...]) -> str:
    shared = sum(1 for d in dependencies if d.shared)
    blocked = sum(1 for d in dependencies if not d.shared)
    words = ""
    if shared:
        words += f" {_things(shared)} it uses {_was(shared)} shared with them."
    if blocked:
        words += f" {_things(blocked)} it uses {_is(blocked)} still closed to them."
    return words


def share(client: CivisClient, work: Work) -> Outcome:
    """`put_shares_users` / `put_shares_groups` with the chosen level."""
    params = work.params
    level = str(params["level"])
    send = bool(params.get("send_email"))
    body = params.get("email_body") or None
    if params["grantee_type"] == "group":
        client.put_shares_groups(
            work.workflow_id,
            [int(params["grantee_id"])],
            level,
            send_shared_email=send,
            share_email_body=body,
        )
    else:
        client.put_shares_users(
            work.workflow_id,
            [int(params["grantee_id"])],
            level,
            send_shared_email=send,
            share_email_body=body,
        )
    return Outcome(f"{params.get('grantee_name', 'They')} now {describe_access(level)}.", 200)


def revoke(client: CivisClient, work: Work) -> Outcome:
    """`delete_shares_users` / `delete_shares_groups`."""
    params = work.params
    if params["grantee_type"] == "group":
        client.delete_shares_groups(work.workflow_id, int(params["grantee_id"]))
    else:
        client.delete_shares_users(work.workflow_id, int(params["grantee_id"]))
    return Outcome(f"Access removed for {params.get('grantee_name', 'them')}.", 204)


ACTIONS: dict[str, Action] = {"transfer": transfer, "share": share, "revoke": revoke}


def _things(n: int) -> str:
    return "1 thing" if n == 1 else f"{n} things"


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _is(n: int) -> str:
    return "is" if n == 1 else "are"
