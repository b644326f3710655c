"""Who gets a workflow's emails (success, failure, a run taking too long), chosen as people
from the picker or typed; an address of someone who cannot open the workflow (who never had
access, lost a share, or gave the workflow to a new owner) is flagged."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from workflows_app.access.explain import load_access
from workflows_app.civis import CivisClient, gather
from workflows_app.civis.types import Person
from workflows_app.core import changes
from workflows_app.core.accounts import signed_in
from workflows_app.emails.forms import ADD_TO, NotificationsForm, initial_for, split_addresses
from workflows_app.pickers.values import parse_choice
from workflows_app.pickers.views import chosen_again, find, results_context
from workflows_app.words.notifications import (
    CANT_OPEN_HEADING,
    cant_open_but_emailed,
    describe_notifications,
)

WHAT = "changing who gets its emails"
MAX_CHECKED = 20  # addresses looked up to flag people without access


@dataclass(frozen=True)
class Flag:
    address: str
    name: str

    @property
    def words(self) -> str:
        return cant_open_but_emailed(self.name)


def _person_with(client: CivisClient, address: str):
    def read() -> Person | None:
        page = client.search_users(address, limit=5)
        wanted = address.casefold()
        return next((p for p in page.items if (p.email or "").casefold() == wanted), None)

    return read


def flags(client: CivisClient, workflow_id: int, addresses: list[str]) -> list[Flag]:
    """Addresses of people on the platform who cannot open the workflow (checked at once)."""
    addresses = addresses[:MAX_CHECKED]
    if not addresses:
        return []
    access, *people = gather(
        lambda: load_access(client, workflow_id), *(_person_with(client, a) for a in addresses)
    )
    return [
        Flag(address, person.name)
        for address, person in zip(addresses, people, strict=True)
        if person is not None and access.person(person.id) is None
    ]


def _add_person(request, client: CivisClient, data) -> bool:
    """Put the chosen person's address in the lists asked for (nothing is saved yet); False
    when nobody was added."""
    parsed = parse_choice(data.get("person"), ("user",))
    if parsed is None:
        messages.error(request, "Choose a person from the list first.")
        return False
    person = client.get_user(parsed[1])
    if not person.email:
        messages.error(request, f"{person.name} has no email address on the platform.")
        return False
    where = data.get("add_to") if data.get("add_to") in dict(ADD_TO) else "failure"
    for kind in ("failure", "success"):
        if where in (kind, "both"):
            lines = split_addresses(data.get(f"{kind}_addresses", ""))
            if person.email not in lines:
                lines.append(person.email)
            data[f"{kind}_addresses"] = "\n".join(lines)
            data[f"{kind}_on"] = "on"
    messages.info(request, f"Added {person.name} ({person.email}). Save to keep it.")
    return True


def _page_again(request, workflow) -> tuple[str, dict]:
    """The page when the platform did not answer a save: the person's choices kept, the
    person picked in the picker too (chosen again, by name)."""
    form = NotificationsForm(request.POST)
    context = {
        "workflow": workflow,
        "form": form,
        "nobody": form.nobody_hints(),
        "add_to": ADD_TO,
        **_picker_context(request, ""),
    }
    return "emails/notifications_page.html", context


def _picker_context(request, query: str, *, keep: bool = True) -> dict:
    """The people picker: the person a POST picked and did not add yet shown chosen again, by
    name (each result sends its name beside it), else what the search found."""
    chosen = chosen_again(request.POST, "person") if keep and request.method == "POST" else None
    if chosen:
        return results_context("people", query, "person", [chosen], chosen.value, names=True)
    return results_context("people", query, "person", find(request, "people", query), names=True)


@signed_in
@require_http_methods(["GET", "POST"])
@changes.form_again_when_unanswered(_page_again)
def notifications_page(request, workflow_id: int):
    client, workflow, refusal = changes.load(request, workflow_id, WHAT)
    if refusal:
        return refusal
    status, added = 200, False
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("action") == "add_person":
            added = _add_person(request, client, data)
            form = NotificationsForm(data)
            form.is_valid()
        else:
            form = NotificationsForm(data)
            if form.is_valid():
                chosen = form.notifications(workflow.notifications)
                client.patch_workflow(workflow_id, notifications=chosen)
                said = describe_notifications(chosen)  # with any kind nobody will get
                messages.success(request, "Emails saved. " + (" ".join(said) or
                                 "Nobody is told when it runs."))  # fmt: skip
                return redirect(reverse("workflows:detail", args=[workflow_id]))
            status = 400
    else:
        form = NotificationsForm(initial=initial_for(workflow.notifications))
    addresses = split_addresses(
        (form["failure_addresses"].value() or "") + "\n" + (form["success_addresses"].value() or "")
    )
    query = request.GET.get("q", "")[:100]
    context = {
        "workflow": workflow,
        "form": form,
        "flags": flags(client, workflow_id, addresses),
        "flags_heading": CANT_OPEN_HEADING,
        "nobody": form.nobody_hints(),
        "add_to": ADD_TO,
        **_picker_context(request, query, keep=not added),
    }
    return render(request, "emails/notifications_page.html", context, status=status)
