"""Who has access to a workflow (give, remove, explain) and "Make someone else the owner".

Every change runs with the viewer's own key, so the platform stays the authority; the console
also refuses what the viewer's level does not allow before asking, and does not offer it. The
service module writes every change to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workflows_app.access import levels
from workflows_app.access.explain import WorkflowAccess, kind_words, load_access
from workflows_app.access.forms import AddAccessForm, ChooseOwnerForm, TransferForm
from workflows_app.civis import CivisClient, Forbidden, Invalid, NotFound, gather
from workflows_app.civis.types import Dependency, Workflow
from workflows_app.core import accounts, changes
from workflows_app.core.accounts import signed_in
from workflows_app.pickers.values import parse_choice
from workflows_app.pickers.views import PickerResult, chosen_again, find, results_context
from workflows_app.words.access import LEVEL_CHOICES, LEVEL_HINTS

LEVEL_WORDS = dict(LEVEL_CHOICES)
ONLY_MANAGERS = "Only people who can manage this workflow can change who has access to it."


def workflow_url(workflow_id: int) -> str:
    return reverse("workflows:detail", args=[workflow_id])


def audit_url(workflow_id: int) -> str:
    return f"{reverse('audit:list')}?workflow={workflow_id}"


def _refused(request, workflow: Workflow, what: str):
    """The console's own refusal, before any change is asked of the platform."""
    context = {"workflow": workflow, "workflow_url": workflow_url(workflow.id), "what": what}
    return render(request, "access/refused.html", context, status=403)


def _level_options(selected: str | None) -> list[dict]:
    return [
        {"value": value, "label": label, "hint": LEVEL_HINTS[value], "checked": value == selected}
        for value, label in LEVEL_CHOICES
    ]


def _current_grantee(access: WorkflowAccess, choice: str) -> tuple[PickerResult, str] | None:
    """For "Change": the person or group already shared with, as a picker row, and their
    level now, so the form opens with both chosen."""
    parsed = parse_choice(choice)
    if parsed is None:
        return None
    kind, grantee_id = parsed
    if kind == "group":
        group = access.group(grantee_id)
        return (PickerResult(choice, group.name, "Group", kind), group.level) if group else None
    person = access.person(grantee_id)
    direct = person and next((r for r in person.reasons if r.kind == "direct"), None)
    if not (person and direct):
        return None
    return PickerResult(choice, person.name, "", kind), direct.level


def _sharing_context(
    request, access: WorkflowAccess | None, form: AddAccessForm, workflow=None
) -> dict:
    """The page's context; without `access` (its read went unanswered) the page leaves out who
    has access and shows the form as sent, for `workflow` (an UnreadWorkflow)."""
    workflow = access.workflow if access else workflow
    manages = bool(access and access.workflow.can_manage)
    query = request.GET.get("q", "")[:100] if request.method == "GET" else ""
    level = form.data.get("level") if form.is_bound else "read"
    results = find(request, "any", query) if manages else []
    selected = ""
    if form.is_bound and (chosen := chosen_again(form.data, "grantee")):
        results, selected = [chosen], chosen.value  # shown chosen again, by name
    change = request.GET.get("change", "") if request.method == "GET" else ""
    current = _current_grantee(access, change) if change and access and manages else None
    if current:
        results, level, selected = [current[0]], current[1], current[0].value
    return {
        "access": access,
        "workflow": workflow,
        "workflow_url": workflow_url(workflow.id),
        "audit_url": audit_url(workflow.id),
        "form": form,
        "changing": current[0] if current else None,
        "levels": _level_options(level),
        **results_context("any", query, "grantee", results, selected, names=True),
    }


def _sharing_again(request, read) -> tuple[str, dict]:
    """The page when the platform did not answer "Give access": the person or group and the
    level chosen, kept; who has access as read before, when it was."""
    access = read if isinstance(read, WorkflowAccess) else None
    form = AddAccessForm(request.POST)
    return "access/sharing_page.html", _sharing_context(request, access, form, workflow=read)


@signed_in
@require_http_methods(["GET", "POST"])
@changes.form_again_when_unanswered(_sharing_again)
def sharing_page(request, workflow_id: int):
    """The page; its "Give access" form posts here too, so a problem is shown at this address
    (the summary at the top of the page), not at /sharing/add/."""
    if request.method == "POST":
        return _add_access(request, workflow_id)
    access = load_access(accounts.client_for(request), workflow_id)
    context = _sharing_context(request, access, AddAccessForm())
    return render(request, "access/sharing_page.html", context)


@signed_in
@require_POST
@changes.form_again_when_unanswered(_sharing_again)
def add_access(request, workflow_id: int):
    """The form's address before it posted to the page (kept for pages open at the time)."""
    return _add_access(request, workflow_id)


def _add_access(request, workflow_id: int):
    client = accounts.client_for(request)
    access = changes.keep_for_again(request, load_access(client, workflow_id))
    if not access.workflow.can_manage:
        return _refused(request, access.workflow, ONLY_MANAGERS)
    form = AddAccessForm(request.POST)
    if form.is_valid():
        kind, grantee_id = form.cleaned_data["grantee"]
        try:
            if kind == "user":
                share = client.put_shares_users(workflow_id, [grantee_id], **form.api_params())
                name = next((g.name for g in share.users if g.id == grantee_id), "They")
            else:
                share = client.put_shares_groups(workflow_id, [grantee_id], **form.api_params())
                name = next((g.name for g in share.groups if g.id == grantee_id), "The group")
        except Invalid as exc:
            form.add_error(None, _refused_words(exc))
        else:
            words = LEVEL_WORDS[form.cleaned_data["level"]].lower()
            emailed = " We emailed them." if form.cleaned_data.get("send_email") else ""
            messages.success(request, f"{name} {words} “{access.workflow.name}” now.{emailed}")
            return redirect(reverse("access:page", args=[workflow_id]) + "#who-has-access")
    context = _sharing_context(request, access, form)
    return render(request, "access/sharing_page.html", context, status=400)


@signed_in
@require_http_methods(["GET", "POST"])
def remove_access(request, workflow_id: int, kind: str, grantee_id: int):
    """A check page first (what changes, and who keeps access another way); POST removes."""
    if kind not in ("user", "group"):
        raise Http404
    client = accounts.client_for(request)
    access = load_access(client, workflow_id)
    if not access.workflow.can_manage:
        return _refused(request, access.workflow, ONLY_MANAGERS)
    page = reverse("access:page", args=[workflow_id])
    person = access.person(grantee_id) if kind == "user" else None
    group = access.group(grantee_id) if kind == "group" else None
    direct = person and next((r for r in person.reasons if r.kind == "direct"), None)
    if person and person.is_owner:
        messages.error(request, "The owner always has access. Make someone else the owner first.")
        return redirect(page)
    if not direct and not group:
        messages.info(request, "That access was already removed.")
        return redirect(page)
    grantee = person or group
    assert grantee is not None  # one of them, or we returned above
    name = grantee.name
    if request.method == "POST":
        if person:
            client.delete_shares_users(workflow_id, grantee_id)
            levels.forget(grantee_id, workflow_id)  # their live views re-check at once
        else:
            client.delete_shares_groups(workflow_id, grantee_id)
        messages.success(request, f"Removed {name}'s access to “{access.workflow.name}”.")
        return redirect(page + "#who-has-access")
    context = {
        "workflow": access.workflow,
        "workflow_url": workflow_url(workflow_id),
        "sharing_url": page,
        "name": name,
        "person": person,
        "group": group,
        "level": direct.level if direct else grantee.level,
        "kept": [r for r in person.reasons if r.kind == "group"] if person else [],
        "losing": _members_losing_access(access, grantee_id) if group else [],
    }
    return render(request, "access/remove_check.html", context)


def _members_losing_access(access: WorkflowAccess, group_id: int) -> list:
    """Members of the group whose only way in is that group."""
    losing: list = []
    group = access.group(group_id)
    for member in group.members if group else ():
        found = access.person(member.id)
        if found and all(r.kind == "group" and r.group_id == group_id for r in found.reasons):
            losing.append(found)
    return losing


# -- make someone else the owner --------------------------------------------------------------


def _cannot_reach(dependencies: tuple[Dependency, ...]) -> list[Dependency]:
    """What the new owner could not manage after the transfer (the platform shares exactly
    these when asked to include dependencies)."""
    return [d for d in dependencies if d.permission_level != "manage"]


@signed_in
@require_http_methods(["GET", "POST"])
def transfer(request, workflow_id: int):
    """Step 1 (no `user_id`): choose the new owner. Step 2 (`?user_id=`): check what they
    cannot open yet. POST: make them the owner, then show what was done."""
    client = accounts.client_for(request)
    workflow = client.get_workflow(workflow_id)
    if not workflow.can_manage:
        return _refused(
            request, workflow, "Only people who can manage this workflow can give it away."
        )
    if request.method == "POST":
        return _do_transfer(request, client, workflow)
    choose = ChooseOwnerForm(request.GET if "user_id" in request.GET else None)
    if choose.is_valid():
        return _check_transfer(request, client, workflow, choose.cleaned_data["user_id"])
    query = request.GET.get("q", "")[:100]
    context = {
        "workflow": workflow,
        "workflow_url": workflow_url(workflow.id),
        "choose": choose,
        **results_context("people", query, "user_id", find(request, "people", query)),
    }
    return render(
        request, "access/transfer_choose.html", context, status=400 if choose.errors else 200
    )


def _check_transfer(request, client: CivisClient, workflow: Workflow, user_id: int, form=None):
    new_owner, dependencies = gather(
        lambda: client.get_user(user_id),
        lambda: client.list_dependencies(workflow.id, user_id=user_id),
    )
    form = form or TransferForm(
        initial={"user_id": f"user:{user_id}", "include_dependencies": True}
    )
    missing = _cannot_reach(dependencies)
    context = {
        "workflow": workflow,
        "workflow_url": workflow_url(workflow.id),
        "new_owner": new_owner,
        "already_owner": workflow.owner is not None and workflow.owner.id == user_id,
        "missing": [(d, kind_words(d.fco_type)) for d in missing],
        "not_shareable": [d for d in missing if d.shareable is False],
        "form": form,
    }
    return render(
        request, "access/transfer_check.html", context, status=400 if form.errors else 200
    )


def _do_transfer(request, client: CivisClient, workflow: Workflow):
    form = TransferForm(request.POST)
    if not form.is_valid():
        user_id = form.cleaned_data.get("user_id")
        if user_id is None:
            return redirect(reverse("access:transfer", args=[workflow.id]))
        return _check_transfer(request, client, workflow, user_id, form)
    params = form.api_params()
    new_owner = client.get_user(params["user_id"])
    try:
        dependencies = client.put_transfer(workflow.id, **params)
    except Invalid as exc:
        form.add_error(None, _refused_words(exc))
        return _check_transfer(request, client, workflow, params["user_id"], form)
    request.session[f"transfer:{workflow.id}"] = {
        "new_owner": new_owner.name,
        "previous_owner": workflow.owner.name if workflow.owner else "",
        "emailed": bool(params.get("send_email")),
        "included": params["include_dependencies"],
        "dependencies": [
            {"name": d.name, "kind": kind_words(d.fco_type), "id": d.id, "shared": bool(d.shared)}
            for d in dependencies
        ],
    }
    return redirect("access:transfer_done", workflow.id)


@signed_in
@require_GET
def transfer_done(request, workflow_id: int):
    """The confirmation panel: who owns it now and what was shared (kept for one showing).
    Shown again, it says who owns it now; with no transfer to show and no workflow the viewer
    can open, it claims nothing and goes to the workflow's page (which says why)."""
    result = request.session.pop(f"transfer:{workflow_id}", None)
    try:
        workflow = accounts.client_for(request).get_workflow(workflow_id)
    except (Forbidden, NotFound):  # handing it over may have taken the viewer's access
        workflow = None
    if result is None and workflow is None:
        return redirect(workflow_url(workflow_id))
    context = {
        "workflow": workflow,
        "result": result,
        "workflow_url": workflow_url(workflow_id),
        "sharing_url": reverse("access:page", args=[workflow_id]),
        "audit_url": audit_url(workflow_id),
    }
    return render(request, "access/transfer_done.html", context)


def _refused_words(exc: Invalid) -> str:
    return f"The platform did not accept that: {exc.message} Nothing was changed."
