"""A workflow's schedule: the builder in words, a preview of the next runs in the workflow's
zone and the viewer's, and pausing or resuming it with one button."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from workflows_app.civis.types import Schedule, Workflow
from workflows_app.core import changes
from workflows_app.core.accounts import signed_in
from workflows_app.schedules.forms import ScheduleForm, initial_for
from workflows_app.schedules.next_runs import (
    moved_soon,
    next_clock_change,
    next_instants,
    next_runs,
)
from workflows_app.schedules.zones import cities, city_of, known_zones
from workflows_app.words.schedules import describe_schedule, zone_words

WHAT = "changing its schedule"
SOON = dt.timedelta(hours=1)


def _zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name) if name and name in known_zones() else ZoneInfo("UTC")


def _viewer_zone_name() -> str:
    return str(timezone.get_current_timezone())


def _preview(schedule: Schedule, zone_name: str, after: dt.datetime) -> dict:
    zone = _zone(zone_name)
    viewer = timezone.get_current_timezone()
    change = next_clock_change(zone, after) if zone_name != "UTC" else None
    return {
        "sentence": describe_schedule(schedule, zone_name),
        "runs": next_runs(schedule, zone, viewer, after),
        "zone_words": zone_words(zone_name),
        "city": city_of(zone_name),
        "viewer_words": zone_words(_viewer_zone_name()),
        "same_zone": _viewer_zone_name() == zone_name,
        "clock_change": change,
        "around_change": (change - dt.timedelta(days=3)).astimezone(zone).date()
        if change
        else None,
        "from_day": after if after > timezone.now() + dt.timedelta(minutes=1) else None,
    }


def _soon(workflow: Workflow, new: Schedule, zone_name: str, now: dt.datetime) -> list:
    """Runs due within the hour that the change would cancel or add, in both zones."""
    old = next_instants(workflow.schedule, _zone(workflow.time_zone), now, 20, now + SOON)
    fresh = next_instants(new, _zone(zone_name), now, 20, now + SOON)
    return [(moment, moment in old) for moment in moved_soon(old, fresh, now, SOON)]


def _context(workflow: Workflow | changes.UnreadWorkflow, form: ScheduleForm, **more) -> dict:
    context = {"workflow": workflow, "form": form, "cities": cities(), **more}
    if isinstance(workflow, Workflow):
        schedule = workflow.schedule
        context.update(
            current=_preview(schedule, workflow.time_zone or "UTC", timezone.now()),
            paused=not schedule.scheduled and bool(schedule.hours),
            resumed_sentence=describe_schedule(
                schedule.model_copy(update={"scheduled": True}), workflow.time_zone
            ),
        )
    return context


def _page_again(request, workflow) -> tuple[str, dict]:
    """The page when the platform did not answer a save: the person's choices kept."""
    form = ScheduleForm(request.POST)
    return "schedules/schedule_page.html", _context(workflow, form)


@signed_in
@require_http_methods(["GET", "POST"])
@changes.form_again_when_unanswered(_page_again)
def schedule_page(request, workflow_id: int):
    client, workflow, refusal = changes.load(request, workflow_id, WHAT)
    if refusal:
        return refusal
    now = timezone.now()
    status, soon, preview = 200, [], None
    if request.method == "POST":
        data = request.POST.copy()
        action = data.get("action", "preview")
        if data.get("around_change"):
            data["preview_from"], action = data["around_change"], "preview"
        form = ScheduleForm(data)
        if form.is_valid():
            new, zone_name = form.schedule(), form.cleaned_data["time_zone"]
            day = form.cleaned_data.get("preview_from")
            after = dt.datetime.combine(day, dt.time(), tzinfo=_zone(zone_name)) if day else now
            preview = _preview(new, zone_name, after)
            soon = _soon(workflow, new, zone_name, now)
            if action == "save" and (not soon or data.get("confirm_soon") == "yes"):
                client.patch_workflow(workflow_id, schedule=new, time_zone=zone_name)
                messages.success(request, f"Schedule saved: {describe_schedule(new, zone_name)}.")
                return redirect(reverse("workflows:detail", args=[workflow_id]))
            if action != "save":
                soon = []  # warned only when saving
        else:
            status = 200 if request.htmx else 400  # htmx swaps only a 2xx answer (a preview)
    else:
        form = ScheduleForm(initial=initial_for(workflow.schedule, workflow.time_zone))
    context = _context(workflow, form, preview=preview, soon=soon)
    return render(request, "schedules/schedule_page.html", context, status=status)


@signed_in
@require_POST
def pause_or_resume(request, workflow_id: int):
    """One button: pause a running schedule, or resume a paused one (its days and times kept).
    `expect` is what the button said, so a double click does not undo itself."""
    client, workflow, refusal = changes.load(request, workflow_id, "pausing its schedule")
    if refusal:
        return refusal
    page = reverse("schedules:page", args=[workflow_id])
    scheduled = workflow.schedule.scheduled
    wanted = request.POST.get("expect")
    if wanted not in ("pause", "resume") or (wanted == "pause") != scheduled:
        messages.info(request, "Nothing changed: the schedule was already as you asked.")
        return redirect(page)
    if wanted == "resume" and not workflow.schedule.hours:
        messages.error(request, "There is no schedule to resume yet. Choose when it runs first.")
        return redirect(page)
    schedule = workflow.schedule.model_copy(update={"scheduled": not scheduled})
    client.patch_workflow(workflow_id, schedule=schedule)
    sentence = describe_schedule(schedule.model_copy(update={"scheduled": True}),
                                 workflow.time_zone)  # fmt: skip
    if scheduled:
        messages.success(request, f"Paused. It won't run on its schedule ({sentence.lower()}) "
                         "until you resume it.")  # fmt: skip
    else:
        messages.success(request, f"Resumed: {sentence}.")
    return redirect(page)
