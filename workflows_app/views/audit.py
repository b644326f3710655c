from django.core.paginator import Paginator
from django.shortcuts import render

from ..accounts import signed_in
from ..forms import AuditFilterForm
from ..models import AuditEntry


@signed_in
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"form": form, "page": page})
