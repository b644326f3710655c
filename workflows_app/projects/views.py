"""A workflow's projects: list them, add it to one chosen with the project picker, take it out
of one. Adding and removing need edit access (civis_local's reading; a guess for the
platform), and the viewer must be able to open the project."""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from workflows_app.civis import CivisClient, errors
from workflows_app.civis.types import Project
from workflows_app.core import changes
from workflows_app.core.accounts import signed_in

WHAT = "changing its projects"
MAX_LISTED = 200  # projects read for the picker's name search
PER_SEARCH = 10


def find_projects(client: CivisClient, query: str, exclude: set[int]) -> list[Project]:
    """Projects the viewer can open whose name holds `query` (the platform's /projects has no
    name search, so the console filters the first pages it lists)."""
    wanted = query.strip().casefold()
    if len(wanted) < 2:
        return []
    found = (p for p in islice(client.iter_projects(), MAX_LISTED)
             if wanted in p.name.casefold() and p.id not in exclude)  # fmt: skip
    return list(islice(found, PER_SEARCH))


def _page_url(workflow_id: int) -> str:
    return reverse("projects:page", args=[workflow_id])


@signed_in
@require_http_methods(["GET"])
def projects_page(request, workflow_id: int):
    client, workflow, refusal = changes.load(request, workflow_id, WHAT)
    if refusal:
        return refusal
    projects = client.list_workflow_projects(workflow_id)
    query = request.GET.get("q", "")[:100]
    context = {
        "workflow": workflow,
        "projects": projects,
        "query": query,
        "results": find_projects(client, query, {p.id for p in projects}),
        "too_short": 0 < len(query.strip()) < 2,
    }
    return render(request, "projects/projects_page.html", context)


def _project_id(request) -> int | None:
    value = request.POST.get("project", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


@signed_in
@require_POST
def add_to_project(request, workflow_id: int):
    client, workflow, refusal = changes.load(request, workflow_id, WHAT)
    if refusal:
        return refusal
    project_id = _project_id(request)
    if project_id is None:
        messages.error(request, "Choose a project from the list first.")
        return redirect(_page_url(workflow_id))
    try:
        client.put_projects(workflow_id, project_id)
    except errors.NotFound:
        messages.error(request, "You can't open that project, so the workflow can't be added.")
    else:
        # The chosen radio's name travels beside it (`name_<id>`); the name is only shown.
        posted = request.POST.get("project_name") or request.POST.get(f"name_{project_id}", "")
        name = posted[:200] or f"project {project_id}"
        messages.success(request, f"Added “{workflow.name}” to {name}.")
    return redirect(_page_url(workflow_id))


@signed_in
@require_POST
def remove_from_project(request, workflow_id: int, project_id: int):
    client, workflow, refusal = changes.load(request, workflow_id, WHAT)
    if refusal:
        return refusal
    client.delete_projects(workflow_id, project_id)
    name = request.POST.get("project_name", "")[:200] or f"project {project_id}"
    messages.success(request, f"Took “{workflow.name}” out of {name}.")
    return redirect(_page_url(workflow_id))
