"""The notification centre: the inbox, marking read, the nav count, and email settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from workflows_app.core.accounts import signed_in
from workflows_app.notifications import inbox as notices
from workflows_app.notifications.email import settings_for
from workflows_app.notifications.forms import EmailSettingsForm, InboxFilterForm, MarkReadForm

PER_PAGE = 25


@signed_in
def inbox(request):
    form = InboxFilterForm(request.GET)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    pages = Paginator(notices.inbox(request.user, reason or None), PER_PAGE)
    page = pages.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "reason": reason,
        "unread": notices.unread_count(request.user),
    }
    return render(request, "notifications/inbox.html", context)


@signed_in
def count(request):
    """The nav's unread count, refreshed by a poll (X-Console-Poll keeps no session alive)."""
    return render(request, "notifications/_count.html")


@signed_in
@require_POST
def mark_read(request):
    form = MarkReadForm(request.POST, user=request.user)
    if form.is_valid():
        notices.mark_read(request.user, form.cleaned_data["ids"])
    return redirect("notifications:inbox")


@signed_in
@require_POST
def mark_all_read(request):
    done = notices.mark_all_read(request.user)
    messages.success(request, "Everything is marked read." if done else "Nothing was unread.")
    return redirect("notifications:inbox")


@signed_in
def email_settings(request):
    chosen = settings_for(request.user.civis)
    form = EmailSettingsForm(request.POST or None, instance=chosen)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved. We will email you as you chose.")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
