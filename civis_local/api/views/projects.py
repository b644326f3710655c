"""/projects: list, create and read (the console's project picker)."""

from django.db.models import Prefetch

from .. import render
from ..levers import now
from ..models import Project, User
from ..wire import (
    ApiError,
    Page,
    body_bool,
    json_response,
    query_bool,
    query_list,
    read_body,
    require,
)
from . import methods
from .sharing import readable_projects

ORDERS = {"updated_at": "updated_at", "name": "name", "created_at": "created_at"}


def _level(request, project: Project) -> str:
    caller = request.caller
    if caller.is_admin or project.author_id == caller.user.id:
        return "manage"
    return "write"


def list_projects(request):
    page = Page(request, ORDERS, "updated_at")
    projects = readable_projects(request.caller).select_related("author")
    projects = projects.prefetch_related(Prefetch("users", queryset=User.objects.order_by("id")))
    if authors := query_list(request, "author"):
        projects = projects.filter(author_id__in=[int(a) for a in authors])
    projects = projects.filter(hidden=bool(query_bool(request, "hidden")))
    archived = (request.GET.get("archived") or "false").lower()
    if archived != "all":
        projects = projects.filter(archived=archived == "true")
    if request.GET.get("permission") == "manage" and not request.caller.is_admin:
        projects = projects.filter(author=request.caller.user)
    rows, total = page.apply(projects)
    return page.respond(rows, total, lambda p: render.project_summary(p, list(p.users.all())))


def _detail(request, project: Project, status: int = 200):
    workflows = project.workflows.select_related("user").order_by("-id")
    return json_response(
        render.project_detail(
            project, list(project.users.order_by("id")), list(workflows), _level(request, project)
        ),
        status,
    )


def create_project(request):
    body = read_body(request)
    require(body, "name")
    at = now()
    project = Project.objects.create(
        name=str(body["name"]),
        description=body.get("description"),
        note=body.get("note"),
        author=request.caller.user,
        auto_share=bool(body_bool(body, "auto_share", False)),
        hidden=bool(body_bool(body, "hidden", False)),
        created_at=at,
        updated_at=at,
    )
    project.users.add(request.caller.user)
    return _detail(request, project)


def get_project(request, project_id):
    project = readable_projects(request.caller).filter(id=project_id).first()
    if project is None:
        raise ApiError(404, f"Project {project_id} not found.")
    return _detail(request, project)


collection = methods(GET=list_projects, POST=create_project)
detail = methods(GET=get_project)
