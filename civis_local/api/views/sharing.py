"""/workflows/{id}/shares, /transfer, /dependencies and /projects."""

from django.db import transaction
from django.db.models import Q

from ..definitions import referenced_ids
from ..levers import now
from ..models import (
    LEVEL_NAMES,
    LEVELS_BY_NAME,
    MANAGE,
    READ,
    WRITE,
    Group,
    Job,
    JobShare,
    Project,
    Share,
    User,
    Workflow,
)
from ..permissions import Caller, get_workflow, level_of
from ..render import project_summary
from ..wire import ApiError, body_bool, json_response, query_bool, query_int, read_body, require
from . import methods


def share_index(workflow: Workflow) -> dict:
    sets = {level: {"users": [], "groups": []} for level in (READ, WRITE, MANAGE)}
    sets[MANAGE]["users"].append({"id": workflow.user.id, "name": workflow.user.name})
    shares = Share.objects.filter(workflow=workflow).select_related("user", "group")
    for share in shares.order_by("id"):
        if share.user_id:
            sets[share.level]["users"].append({"id": share.user.id, "name": share.user.name})
        else:
            sets[share.level]["groups"].append({"id": share.group.id, "name": share.group.name})
    return {
        "readers": sets[READ],
        "writers": sets[WRITE],
        "owners": sets[MANAGE],
        "totalUserShares": sum(len(s["users"]) for s in sets.values()),
        "totalGroupShares": sum(len(s["groups"]) for s in sets.values()),
    }


def list_shares(request, id):
    workflow, _ = get_workflow(request.caller, id, READ)
    return json_response([share_index(workflow)])


def _level(body: dict) -> int:
    require(body, "permission_level")
    level = LEVELS_BY_NAME.get(str(body["permission_level"]))
    if level is None:
        raise ApiError(400, "permission_level must be read, write or manage.")
    return level


def _ids(body: dict, name: str) -> list[int]:
    require(body, name)
    values = body[name]
    if not isinstance(values, list) or not values:
        raise ApiError(400, f"{name} must be a non-empty array of IDs.")
    try:
        return [int(value) for value in values]
    except (TypeError, ValueError) as exc:
        raise ApiError(400, f"{name} must be an array of IDs.") from exc


def _touch(workflow: Workflow) -> None:
    Workflow.objects.filter(id=workflow.id).update(updated_at=now())


def share_users(request, id):
    workflow, _ = get_workflow(request.caller, id, MANAGE)
    body = read_body(request)
    level, user_ids = _level(body), _ids(body, "user_ids")
    found = set(User.objects.filter(id__in=user_ids).values_list("id", flat=True))
    if missing := sorted(set(user_ids) - found):
        raise ApiError(404, f"User(s) not found: {missing}")
    with transaction.atomic():
        for user_id in user_ids:
            if user_id != workflow.user_id:  # the owner always keeps manage
                Share.objects.update_or_create(
                    workflow=workflow, user_id=user_id, defaults={"level": level}
                )
        _touch(workflow)
    return json_response(share_index(workflow))


def share_groups(request, id):
    workflow, _ = get_workflow(request.caller, id, MANAGE)
    body = read_body(request)
    level, group_ids = _level(body), _ids(body, "group_ids")
    found = set(Group.objects.filter(id__in=group_ids).values_list("id", flat=True))
    if missing := sorted(set(group_ids) - found):
        raise ApiError(404, f"Group(s) not found: {missing}")
    with transaction.atomic():
        for group_id in group_ids:
            Share.objects.update_or_create(
                workflow=workflow, group_id=group_id, defaults={"level": level}
            )
        _touch(workflow)
    return json_response(share_index(workflow))


def unshare_user(request, id, user_id):
    workflow, _ = get_workflow(request.caller, id, MANAGE)
    Share.objects.filter(workflow=workflow, user_id=user_id).delete()
    _touch(workflow)
    return json_response(None, 204)


def unshare_group(request, id, group_id):
    workflow, _ = get_workflow(request.caller, id, MANAGE)
    Share.objects.filter(workflow=workflow, group_id=group_id).delete()
    _touch(workflow)
    return json_response(None, 204)


def _job_level(job: Job, user: User | None) -> int | None:
    if user is None:
        return None
    if user.is_admin or job.author_id == user.id:
        return MANAGE
    share = JobShare.objects.filter(job=job, user=user).first()
    return share.level if share else None


def _workflow_level(workflow: Workflow, user: User | None) -> int | None:
    """The target user's own level (not through groups), as the dependencies endpoint says."""
    if user is None:
        return None
    if user.is_admin or workflow.user_id == user.id:
        return MANAGE
    share = Share.objects.filter(workflow=workflow, user=user).first()
    return share.level if share else None


def dependencies(workflow: Workflow, caller: Caller, target: User | None) -> list[dict]:
    """Jobs run by civis.run_job tasks and workflows run by civis.workflows.execute tasks."""
    job_ids, workflow_ids = referenced_ids(workflow.definition)
    found = []
    if not job_ids and not workflow_ids:
        return found
    for job in Job.objects.filter(id__in=job_ids).order_by("id"):
        readable = _job_level(job, caller.user) is not None
        found.append(
            (
                job,
                {
                    "objectType": job.type,
                    "fcoType": "scripts/containers",
                    "id": job.id,
                    "name": job.name if readable else None,
                    "permissionLevel": LEVEL_NAMES.get(_job_level(job, target)),
                    "description": None,
                    "shareable": _job_level(job, caller.user) == MANAGE,
                },
            )
        )
    for child in Workflow.objects.filter(id__in=workflow_ids).order_by("id"):
        # The caller's level counts their groups, as the shares endpoints do (a group manager
        # may share it); only the target's `permissionLevel` is their own (spec).
        level = level_of(caller, child)
        found.append(
            (
                child,
                {
                    "objectType": "Workflow::Workflow",
                    "fcoType": "workflows",
                    "id": child.id,
                    "name": child.name if level or caller.is_admin else None,
                    "permissionLevel": LEVEL_NAMES.get(_workflow_level(child, target)),
                    "description": None,
                    "shareable": caller.is_admin or level == MANAGE,
                },
            )
        )
    return found


def _target(request, user_id) -> User | None:
    if user_id is None:
        return None
    target = User.objects.filter(id=user_id).first()
    if target is None:
        raise ApiError(404, f"User {user_id} not found.")
    return target


def list_dependencies(request, id):
    workflow, _ = get_workflow(request.caller, id, READ)
    target = _target(request, query_int(request, "user_id"))
    return json_response([item for _, item in dependencies(workflow, request.caller, target)])


def keep_manage(workflow_id: int, user_id: int) -> None:
    """A manage share for the user, created or raised in one statement (an upsert)."""
    Share.objects.bulk_create(
        [Share(workflow_id=workflow_id, user_id=user_id, level=MANAGE)],
        update_conflicts=True,
        unique_fields=["workflow", "user"],
        update_fields=["level"],
    )


def transfer(request, id):
    """Make the target the owner; return the dependencies the target lacks manage on, shared
    with manage when `include_dependencies` (and when the caller may share them).

    Decision (platform behaviour): the previous owner keeps manage access through a user
    share, so handing a workflow over never locks its former owner out; they can remove
    themselves afterwards. The target's own share, if any, is dropped (ownership covers it).
    """
    workflow, _ = get_workflow(request.caller, id, MANAGE)
    body = read_body(request)
    require(body, "user_id", "include_dependencies")
    include = body_bool(body, "include_dependencies")
    target = _target(request, body["user_id"])
    if not target.active:
        raise ApiError(422, f"User {target.id} is not active.")
    result = []
    with transaction.atomic():
        previous = workflow.user_id
        if previous != target.id:
            Share.objects.filter(workflow=workflow, user=target).delete()
            Workflow.objects.filter(id=workflow.id).update(user=target, updated_at=now())
            keep_manage(workflow.id, previous)
        for obj, item in dependencies(workflow, request.caller, target):
            if item["permissionLevel"] == "manage":
                continue
            shared = bool(include and item["shareable"])
            if shared and isinstance(obj, Job):
                JobShare.objects.update_or_create(job=obj, user=target, defaults={"level": MANAGE})
            elif shared:
                Share.objects.update_or_create(
                    workflow=obj, user=target, defaults={"level": MANAGE}
                )
            item.pop("shareable")
            if shared:
                item["permissionLevel"] = "manage"
            result.append({**item, "shared": shared})
    return json_response({"dependencies": result})


def readable_projects(caller: Caller):
    if caller.is_admin:
        return Project.objects.all()
    return Project.objects.filter(Q(author=caller.user) | Q(users=caller.user)).distinct()


def list_projects(request, id):
    workflow, _ = get_workflow(request.caller, id, READ)
    projects = readable_projects(request.caller).filter(
        workflows=workflow, hidden=bool(query_bool(request, "hidden"))
    )
    projects = projects.select_related("author").prefetch_related("users").order_by("-id")
    return json_response([project_summary(p, list(p.users.all())) for p in projects])


def _project(request, project_id) -> Project:
    project = readable_projects(request.caller).filter(id=project_id).first()
    if project is None:
        raise ApiError(404, f"Project {project_id} not found.")
    return project


def add_to_project(request, id, project_id):
    workflow, _ = get_workflow(request.caller, id, WRITE)
    workflow.projects.add(_project(request, project_id))
    return json_response(None, 204)


def remove_from_project(request, id, project_id):
    workflow, _ = get_workflow(request.caller, id, WRITE)
    workflow.projects.remove(_project(request, project_id))
    return json_response(None, 204)


shares = methods(GET=list_shares)
shares_users = methods(PUT=share_users)
shares_user = methods(DELETE=unshare_user)
shares_groups = methods(PUT=share_groups)
shares_group = methods(DELETE=unshare_group)
dependencies_view = methods(GET=list_dependencies)
transfer_view = methods(PUT=transfer)
projects = methods(GET=list_projects)
project = methods(PUT=add_to_project, DELETE=remove_from_project)
