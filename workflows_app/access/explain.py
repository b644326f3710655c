"""Who can open a workflow, and why: the owner, direct shares, and shares through groups.

The platform lists shares by level (`list_shares`) but never says why a given person may open a
workflow. The console answers that by joining the shares with each shared group's members
(`get_group`), so staff can see "Pat can edit: shared with Pat directly, and through Data
Science (can view)" before they remove or change anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workflows_app.civis import CivisClient, Forbidden, NotFound, gather
from workflows_app.civis.types import Grantee, Group, Person, Share, Workflow
from workflows_app.words.access import LEVELS, rank

# Highest first: the order sections are shown in, and how levels compare.
STRONGEST_FIRST = tuple(reversed(LEVELS))


# The platform's `fcoType` of a dependency, in the words staff use.
KIND_WORDS = {
    "workflows": "Workflow",
    "scripts/containers": "Container script",
    "scripts/python3": "Python script",
    "scripts/r": "R script",
    "scripts/sql": "SQL script",
    "scripts/javascript": "JavaScript script",
    "scripts/custom": "Custom script",
    "imports": "Import",
    "files": "File",
    "credentials": "Credential",
    "tables": "Table",
    "projects": "Project",
}


def kind_words(fco_type: str | None) -> str:
    """`scripts/containers` → "Container script"; unknown kinds are tidied, not hidden."""
    if not fco_type:
        return "Item"
    return KIND_WORDS.get(fco_type, fco_type.replace("/", " ").replace("_", " ").capitalize())


def higher(a: str | None, b: str | None) -> str | None:
    """The higher of two levels (None means no access)."""
    return a if rank(a) >= rank(b) else b


@dataclass(frozen=True)
class Reason:
    """One way a person reaches a workflow: `kind` is "owner", "direct" or "group"."""

    kind: str
    level: str
    group_id: int | None = None
    group_name: str | None = None


@dataclass
class PersonAccess:
    """A person who can open the workflow, their effective level and every reason for it."""

    id: int
    name: str
    level: str | None = None
    reasons: list[Reason] = field(default_factory=list)

    def add(self, reason: Reason) -> None:
        self.reasons.append(reason)
        self.level = higher(self.level, reason.level)

    @property
    def is_owner(self) -> bool:
        return any(r.kind == "owner" for r in self.reasons)


@dataclass(frozen=True)
class GroupAccess:
    """A group the workflow is shared with, with its members when the platform told us."""

    id: int
    name: str
    level: str
    member_count: int | None
    members: tuple[Person, ...] = ()


@dataclass(frozen=True)
class LevelSection:
    """One level's people and groups, e.g. everyone who "can edit"."""

    level: str
    people: tuple[PersonAccess, ...]
    groups: tuple[GroupAccess, ...]

    @property
    def is_empty(self) -> bool:
        return not self.people and not self.groups


@dataclass(frozen=True)
class WorkflowAccess:
    """Everything the sharing page shows about who can open one workflow."""

    workflow: Workflow
    owner: Person | None
    sections: tuple[LevelSection, ...]
    everyone: tuple[PersonAccess, ...]
    groups: tuple[GroupAccess, ...]

    def person(self, user_id: int) -> PersonAccess | None:
        return next((p for p in self.everyone if p.id == user_id), None)

    def group(self, group_id: int) -> GroupAccess | None:
        return next((g for g in self.groups if g.id == group_id), None)


def explain(workflow: Workflow, share: Share, groups: dict[int, Group | None]) -> WorkflowAccess:
    """Join shares with group membership. `groups` maps each shared group's id to its detail
    (None when it could not be read: the group is still listed, without members)."""
    owner = workflow.owner
    people: dict[int, PersonAccess] = {}

    def person(user_id: int, name: str) -> PersonAccess:
        return people.setdefault(user_id, PersonAccess(user_id, name))

    if owner is not None:
        person(owner.id, owner.name).add(Reason("owner", "manage"))
    direct: list[Grantee] = [g for g in share.users if owner is None or g.id != owner.id]
    for grantee in direct:
        person(grantee.id, grantee.name).add(Reason("direct", grantee.level))
    group_access = []
    for grantee in share.groups:
        detail = groups.get(grantee.id)
        members = detail.members if detail else ()
        count = _member_count(detail)
        group_access.append(GroupAccess(grantee.id, grantee.name, grantee.level, count, members))
        for member in members:
            person(member.id, member.name).add(
                Reason("group", grantee.level, grantee.id, grantee.name)
            )
    sections = tuple(
        LevelSection(
            level,
            tuple(people[g.id] for g in sorted(direct, key=_by_name) if g.level == level),
            tuple(g for g in sorted(group_access, key=_by_name) if g.level == level),
        )
        for level in STRONGEST_FIRST
    )
    everyone = sorted(
        people.values(),
        key=lambda p: (not p.is_owner, -rank(p.level), p.name.lower()),
    )
    return WorkflowAccess(workflow, owner, sections, tuple(everyone), tuple(group_access))


def _member_count(group: Group | None) -> int | None:
    if group is None:
        return None
    if group.member_count is not None:
        return group.member_count
    return len(group.members)


def _by_name(item: Grantee | GroupAccess) -> str:
    return item.name.lower()


def load_access(client: CivisClient, workflow_id: int) -> WorkflowAccess:
    """`get_workflow` and `list_shares` at once, then `get_group` for every shared group at
    once, so the page costs two round trips whatever the number of groups."""
    workflow, share = gather(
        lambda: client.get_workflow(workflow_id), lambda: client.list_shares(workflow_id)
    )
    details = gather(*(_group_reader(client, g.id) for g in share.groups)) if share.groups else []
    return explain(workflow, share, {g.id: d for g, d in zip(share.groups, details, strict=True)})


def _group_reader(client: CivisClient, group_id: int):
    def read() -> Group | None:
        try:
            return client.get_group(group_id)
        except (Forbidden, NotFound):  # listed on the workflow, but not readable by the viewer
            return None

    return read
