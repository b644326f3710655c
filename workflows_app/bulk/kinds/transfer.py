"""Make someone else the owner of a workflow."""

from __future__ import annotations

from workflows_app.bulk.kinds.base import Outcome, Work
from workflows_app.civis import CivisClient
from workflows_app.civis.types import Dependency
from workflows_app.words.counts import agree, plural


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
        words += f" {plural(shared, 'thing')} it uses {agree(shared, 'was', 'were')} shared"
        words += " with them."
    if blocked:
        words += f" {plural(blocked, 'thing')} it uses {agree(blocked, 'is', 'are')} still"
        words += " closed to them."
    return words
