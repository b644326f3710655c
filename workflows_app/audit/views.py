from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from workflows_app.core.accounts import signed_in
from workflows_app.core.forms import AuditFilterForm
from workflows_app.models import AuditEntry, CivisAccount


def is_console_admin(user) -> bool:
    """A console administrator: their Civis user id is in CONSOLE_ADMINS (the environment).
    Chosen over Django's `is_superuser` because people sign in with a Civis key, so a
    superuser would need a shell command to make; a list of ids is set where the console is
    deployed."""
    account = getattr(user, "civis", None)
    return account is not None and account.civis_user_id in settings.CONSOLE_ADMINS


def reads_everyone(user) -> bool:
    """Console administrators, and the people they allowed (Django `is_staff`)."""
    return bool(user.is_staff) or is_console_admin(user)


def entries_for(user):
    """What a person may read: their own changes. Those allowed read everyone's, because
    entries name workflows and people that a reader's own platform access might not reach."""
    entries = AuditEntry.objects.all()
    return entries if reads_everyone(user) else entries.filter(actor=user)


@signed_in
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = entries_for(request.user)
    if form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sees_everyone": reads_everyone(request.user),
        "is_admin": is_console_admin(request.user),
    }
    return render(request, "audit/audit_list.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def readers(request):
    """Console administrators choose who reads everyone's changes (everyone reads their own)."""
    if not is_console_admin(request.user):
        return render(request, "audit/readers_refused.html", status=403)
    if request.method == "POST":
        person = request.POST.get("person", "")
        valid = person.isascii() and person.isdigit() and len(person) <= 18
        accounts = CivisAccount.objects.select_related("user")
        found = accounts.filter(civis_user_id=int(person)).first() if valid else None
        allow = request.POST.get("allow") == "yes"
        if found is None:
            messages.error(request, "That person has not signed in to the console yet.")
            return redirect(reverse("audit:readers"))
        found.user.is_staff = allow
        found.user.save(update_fields=["is_staff"])
        me = request.user.civis
        AuditEntry.objects.create(
            actor=request.user,
            actor_civis_id=me.civis_user_id,
            actor_name=me.name,
            action="allow_audit_reader" if allow else "stop_audit_reader",
            object_type="user",
            object_id=str(found.civis_user_id),
            object_name=found.name,
            outcome=AuditEntry.Outcome.SUCCEEDED,
        )
        if allow:
            messages.success(request, f"{found.name} can read everyone's changes now.")
        else:
            messages.success(request, f"{found.name} reads only their own changes now.")
        return redirect(reverse("audit:readers"))
    people = CivisAccount.objects.select_related("user").order_by("name")
    rows = [(account, is_console_admin(account.user)) for account in people]
    return render(request, "audit/readers.html", {"rows": rows})
