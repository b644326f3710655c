"""Who may do what to a workflow, as on the platform.

The owner has manage; user and group shares grant read / write / manage and the highest
applicable level wins; admins act with manage on everything. What a caller cannot read does
not exist for them (absent from lists, 404 in details); a readable object with too low a level
answers 403.
"""

from dataclasses import dataclass

from django.db.models import Max, Q

from .models import LEVEL_NAMES, MANAGE, Share, User, Workflow
from .wire import ApiError, not_found


@dataclass(frozen=True)
class Caller:
    user: User
    group_ids: tuple[int, ...]

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @classmethod
    def of(cls, user: User) -> "Caller":
        return cls(user, tuple(user.member_groups.values_list("id", flat=True)))


def _share_filter(caller: Caller) -> Q:
    return Q(user_id=caller.user.id) | Q(group_id__in=caller.group_ids)


def visible_workflows(caller: Caller):
    """One query, no per-row checks: owned, or shared with the caller or one of their groups."""
    if caller.is_admin:
        return Workflow.objects.all()
    shared = Share.objects.filter(_share_filter(caller)).values("workflow_id")
    return Workflow.objects.filter(Q(user_id=caller.user.id) | Q(id__in=shared))


def level_of(caller: Caller, workflow: Workflow) -> int | None:
    if caller.is_admin or workflow.user_id == caller.user.id:
        return MANAGE
    best = Share.objects.filter(_share_filter(caller), workflow_id=workflow.id).aggregate(
        level=Max("level")
    )
    return best["level"]


def levels_of(caller: Caller, workflow_ids: list[int]) -> dict[int, int]:
    """The caller's level on many workflows at once (for child executions in a task)."""
    if caller.is_admin:
        return dict.fromkeys(workflow_ids, MANAGE)
    levels = dict(
        Workflow.objects.filter(id__in=workflow_ids, user_id=caller.user.id).values_list(
            "id", "user_id"
        )
    )
    levels = dict.fromkeys(levels, MANAGE)
    for row in (
        Share.objects.filter(_share_filter(caller), workflow_id__in=workflow_ids)
        .values("workflow_id")
        .annotate(level=Max("level"))
    ):
        levels.setdefault(row["workflow_id"], row["level"])
    return levels


def get_workflow(caller: Caller, workflow_id: int, needs: int) -> tuple[Workflow, int]:
    """The workflow and the caller's level; 404 when unreadable, 403 when the level is short."""
    workflow = Workflow.objects.select_related("user").filter(id=workflow_id).first()
    if workflow is None:
        raise not_found(f"Workflow {workflow_id} not found.")
    level = level_of(caller, workflow)
    if level is None:
        raise not_found(f"Workflow {workflow_id} not found.")
    if level < needs:
        raise ApiError(
            403,
            f"You need {LEVEL_NAMES[needs]} permission on workflow {workflow_id} "
            f"(you have {LEVEL_NAMES[level]}).",
        )
    return workflow, level
