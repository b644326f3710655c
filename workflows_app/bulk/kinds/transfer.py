"""Make someone else the owner of a workflow."""

from __future__ import annotations

import requests

from workflows_app.bulk.kinds.base import Outcome, Work
from workflows_app.civis import CivisClient
from workflows_app.civis.errors import CivisError, OutcomeUnknown, Unavailable
from workflows_app.civis.types import Dependency
from workflows_app.words.bulk import moved_confirmed, not_checked, not_shared, thing_kind
from workflows_app.words.counts import agree, plural


def transfer(client: CivisClient, work: Work) -> Outcome:
    """`put_transfer`, unless the new owner already owns the workflow. After an earlier try
    that may have moved it (or a try whose answer did not come in time), the owner is read
    first: one this job moved says so."""
    target = int(work.params["user_id"])
    name = work.params.get("user_name") or f"person {target}"
    owner_id = work.known_owner_id
    if work.retried:
        owner_id = _owner(client, work.workflow_id)
        if owner_id == target and work.known_owner_id != target:
            return _confirmed(client, work, target, name, called=False)
    if owner_id == target:
        return Outcome(f"Already owned by {name}. Nothing to change.", called=False)
    try:
        dependencies = client.put_transfer(
            work.workflow_id,
            target,
            bool(work.params.get("include_dependencies")),
            email_body=work.params.get("email_body") or None,
            send_email=bool(work.params.get("send_email")),
        )
    except Unavailable as exc:
        if not _sent_without_answer(exc):
            raise
        # The PUT reached the platform and its answer did not come in time (the client says
        # OutcomeUnknown only for POST / PATCH): it may have happened. Look before saying.
        try:
            moved = _owner(client, work.workflow_id) == target
        except CivisError:
            moved = False
        if moved:
            return _confirmed(client, work, target, name, called=True)
        raise OutcomeUnknown(method=exc.method, path=exc.path) from exc
    return _moved(work, dependencies, name)


def _moved(work: Work, dependencies: tuple[Dependency, ...], name: str) -> Outcome:
    """The move's words. Things it uses that were to be shared and were not (the caller
    cannot share them) are a problem, named as the wizard's check page named them."""
    message = f"{name} is now the owner.{_dependency_words(dependencies, work)}"
    if not work.params.get("include_dependencies"):
        return Outcome(message, 200)
    left = [_thing(d, work) for d in dependencies if not d.shared]
    problem = not_shared(left, name) if left else ""
    return Outcome(message, 200, problem=problem, closed=tuple(left))


def _confirmed(client: CivisClient, work: Work, target: int, name: str, *, called: bool) -> Outcome:
    """A move an earlier try made (its answer lost): what it uses that the new owner still
    cannot open is read (`list_dependencies`), so a lost answer hides no problem."""
    if not work.params.get("include_dependencies"):
        return Outcome(moved_confirmed(name), called=called)
    try:
        found = client.list_dependencies(work.workflow_id, user_id=target)
    except Unavailable:
        raise
    except CivisError:
        return Outcome(moved_confirmed(name), called=called, problem=not_checked(name))
    left = [_thing(d, work) for d in found if d.permission_level != "manage"]
    problem = not_shared(left, name) if left else ""
    return Outcome(moved_confirmed(name), called=called, problem=problem, closed=tuple(left))


def _thing(dependency: Dependency, work: Work) -> dict:
    """A dependency as the words name it: the name and owner the wizard read (item params
    `things`, by kind and id) when the answer hides its name."""
    kind = thing_kind(dependency.fco_type)
    known: dict = next(
        (t for t in work.params.get("things") or ()
         if t.get("kind") == kind and t.get("id") == dependency.id),
        {},
    )  # fmt: skip
    return {
        "kind": kind,
        "id": dependency.id,
        "name": dependency.name or known.get("name"),
        "owner": known.get("owner"),
    }


def _owner(client: CivisClient, workflow_id: int) -> int | None:
    workflow = client.get_workflow(workflow_id)
    return workflow.owner.id if workflow.owner else None


def _sent_without_answer(exc: Unavailable) -> bool:
    """A read timeout (the request was sent), not a refused or timed-out connection."""
    if isinstance(exc, OutcomeUnknown):
        return True
    cause = exc.__context__  # the client raises its error `from None`; the context stays
    return isinstance(cause, requests.Timeout) and not isinstance(cause, requests.ConnectTimeout)


def _dependency_words(dependencies: tuple[Dependency, ...], work: Work) -> str:
    shared = sum(1 for d in dependencies if d.shared)
    blocked = sum(1 for d in dependencies if not d.shared)
    words = ""
    if shared:
        words += f" {plural(shared, 'thing')} it uses {agree(shared, 'was', 'were')} shared"
        words += " with them."
    if blocked and not work.params.get("include_dependencies"):  # as chosen: not shared
        words += f" {plural(blocked, 'thing')} it uses {agree(blocked, 'is', 'are')} still"
        words += " closed to them."
    return words
