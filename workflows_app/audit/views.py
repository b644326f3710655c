from django.core.paginator import Paginator
from django.shortcuts import render

from workflows_app.core.accounts import signed_in
from workflows_app.core.forms import AuditFilterForm
from workflows_app.models import AuditEntry


def entries_for(user):
    """What a person may read: their own changes. Console staff (Django `is_staff`, granted by
    whoever runs the console) read everyone's, because entries name workflows and people that a
    reader's own platform access might not reach."""
    entries = AuditEntry.objects.all()
    return entries if user.is_staff else entries.filter(actor=user)


@signed_in
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = entries_for(request.user)
    if form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "sees_everyone": request.user.is_staff}
    return render(request, "audit/audit_list.html", context)
