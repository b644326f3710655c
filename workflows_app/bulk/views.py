"""Bulk jobs: the list, a job's live progress, cancel and retry; and the wizards that make
them (offboarding: move everything a person owns; bulk share: give or remove access).

The wizard keeps its state in a draft row (candidates listed once, the selection across
pages, the choices), so paging, back and refresh lose nothing and the URL names the draft.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from workflows_app.bulk import jobs, reads
from workflows_app.bulk.forms import (
    PER_PAGE,
    LeaverAccessForm,
    SelectionForm,
    ShareChoicesForm,
    StartForm,
    TransferChoicesForm,
)
from workflows_app.bulk.progress import job_look, progress_of
from workflows_app.civis import NotFound
from workflows_app.core import accounts
from workflows_app.core.accounts import signed_in
from workflows_app.core.rendering import page_or_fragment, wants_fragment
from workflows_app.models.bulk import BulkDraft, BulkItem, BulkJob
from workflows_app.words import bulk as bulk_words
from workflows_app.words.access import describe_access
from workflows_app.words.counts import plural
from workflows_app.words.states import BULK_ITEM_LOOKS, DONE_WITH_PROBLEMS, StateLook

KINDS = {"transfer", "share", "archive"}


def _words(n: int) -> str:
    return plural(n, "workflow")


def _names_shared(names: Iterable[str]) -> set[str]:
    """The names more than one of `names` has: a page shows a workflow's id ("#12") after its
    name only for these, to tell them apart (the check page and a job's page)."""
    return {name for name, n in Counter(names).items() if n > 1}


@signed_in
def transfer_list(request):
    job_rows = []
    for job in BulkJob.objects.filter(started_by=request.user)[:100]:
        progress = progress_of(job)
        job_rows.append({"job": job, "progress": progress, "look": job_look(job, progress)})
    return render(request, "bulk/transfer_list.html", {"job_rows": job_rows})


def _afterwards(request, job: BulkJob) -> dict | None:
    """Once an offboarding job that removed the leaver's access has ended: which of its
    workflows they can still open through a group, and which groups, once a worker has looked
    (reads.AFTERWARDS: one call per item and per group, kept KEEP_SECONDS); until then how far
    it has got, or why it stopped. The page's request asks upstream for none."""
    params = job.parameters
    if job.kind != "transfer" or not params.get("remove_access") or job.is_active:
        return None
    name = params.get("source_name") or "They"
    viewer, key_id = _viewer_id(request), reads.session_key_id(request)
    if viewer is None or key_id is None:
        return {"name": name, "failed": bulk_words.READ_SIGNED_OUT}
    planned = reads.plan_job(accounts.client_for(request), job, viewer_id=viewer).as_json()
    if params.get(reads.JOB_PLAN_FIELD) != planned:
        job.parameters = {**params, reads.JOB_PLAN_FIELD: planned}
        job.save(update_fields=["parameters"])
    record = reads.ask_for_job(job, key_id, again=request.GET.get("again") == "1")
    if record["state"] == reads.DONE:
        return {**record["result"], "name": name}
    if record["state"] == reads.FAILED:
        return {
            "name": name,
            "failed": record.get("reason"),
            "try_again": bulk_words.READ_TRY_AGAIN,
        }
    progress = bulk_words.afterwards_progress(name, record.get("done") or 0, record.get("total"))
    said = _read_progress(record, progress)
    return {"name": name, "reading": said["words"], "stalled": said["stalled"]}


def _item_look(item: BulkItem) -> StateLook:
    """Done with something asked for left undone reads "Done, with problems"."""
    if item.state == BulkItem.State.DONE and item.problem:
        return DONE_WITH_PROBLEMS
    return BULK_ITEM_LOOKS[item.state]


def _job_for(request, job_id: int) -> BulkJob:
    return get_object_or_404(BulkJob, id=job_id, started_by=request.user)


@signed_in
def transfer_detail(request, job_id: int):
    job = _job_for(request, job_id)
    progress = progress_of(job)
    listed = list(
        job.items.order_by("id").only(
            "workflow_id",
            "workflow_name",
            "state",
            "outcome",
            "problem",
            "attempts",
            "upstream_status",
        )
    )
    shared = _names_shared(item.workflow_name for item in listed)
    items = [
        {"item": item, "look": _item_look(item), "same_name": item.workflow_name in shared}
        for item in listed
    ]
    context = {
        "job": job,
        "progress": progress,
        "look": job_look(job, progress),
        "items": items,
        "afterwards": _afterwards(request, job),
    }
    if wants_fragment(request) and request.GET.get("afterwards") == "1" and context["afterwards"]:
        return render(request, "bulk/_afterwards.html", context)
    return page_or_fragment(request, "bulk/transfer_detail.html", "bulk/_progress.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def transfer_cancel(request, job_id: int):
    job = _job_for(request, job_id)
    if request.method == "POST":
        if jobs.cancel(job):
            messages.success(
                request, "The job is cancelled. Workflows it had not started will not be changed."
            )
        return redirect("bulk:detail", job_id=job.id)
    if not job.is_active:
        return redirect("bulk:detail", job_id=job.id)
    return render(request, "bulk/transfer_cancel.html", {"job": job, "progress": progress_of(job)})


@signed_in
@require_POST
def transfer_retry(request, job_id: int):
    job = _job_for(request, job_id)
    key = accounts.api_key_for(request)
    if key is None:
        return redirect("core:sign_in")
    try:
        again = jobs.retry_failed(job, key)
    except jobs.StillRunning:
        messages.info(
            request, "This job is still running. Retry its failed workflows once it has finished."
        )
        return redirect("bulk:detail", job_id=job.id)
    if again:
        messages.success(request, f"Trying {_words(again)} again.")
    else:
        messages.info(request, "There were no failed workflows to try again.")
    return redirect("bulk:detail", job_id=job.id)


# -- the wizard ----------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def transfer_new(request):
    """Step 1: whose workflows. Makes the draft; a worker lists everything they own that the
    viewer can manage into it while step 2 shows how far it has got (reads.OWNED)."""
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "transfer"
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, person_id = form.cleaned_data["person"]
        client = accounts.client_for(request)
        viewer = _viewer_id(request)
        key_id = reads.session_key_id(request)
        if viewer is None or key_id is None:
            return redirect("core:sign_in")
        try:
            person = client.get_user(person_id)
        except NotFound:
            form.add_error("person", "We couldn't find that person. Choose someone else.")
        else:
            planned = reads.plan(client, reads.OWNED, viewer_id=viewer, person_id=person.id)
            draft = BulkDraft.objects.create(
                owner=request.user,
                kind=kind,
                source_id=person.id,
                source_name=person.name,
                choices={reads.PLAN_FIELD[reads.OWNED]: planned.as_json()},
            )
            reads.ask(draft, reads.OWNED, key_id)
            return redirect("bulk:select", draft_id=draft.id)
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "kind": kind,
        "empty_name": None,
        "not_manageable": 0,
        "step_caption": bulk_words.wizard_step(kind, "whose"),
    }
    return render(request, "bulk/transfer_new.html", context, status=status)


def _viewer_id(request) -> int | None:
    return getattr(getattr(request.user, "civis", None), "civis_user_id", None)


def _await_read(request, draft: BulkDraft, what: str, *, step: str):
    """None once the draft has the result of its planned read `what` (taken into the draft
    now if it has just finished); else the page (or, for the page's poll, the fragment) that
    says how far the read has got. A poll that finds it done reloads the page: the step."""
    if reads.PLAN_FIELD[what] not in draft.choices:
        return _reload(request) if wants_fragment(request) else None
    key_id = reads.session_key_id(request)
    if key_id is None:
        return redirect("core:sign_in")
    record = reads.ask(draft, what, key_id, again=request.GET.get("again") == "1")
    if record["state"] == reads.DONE:
        _take(draft, what, record["result"])
        return _reload(request) if wants_fragment(request) else None
    total, done = record.get("total"), record.get("done") or 0
    owned = what == reads.OWNED
    heading = bulk_words.READ_HEADING_OWNED if owned else bulk_words.READ_HEADING_LEAVER
    listing = bulk_words.READ_LISTING_OWNED if owned else bulk_words.READ_LISTING_LEAVER
    said = _read_progress(
        record,
        listing.format(name=draft.source_name)
        if total is None
        else bulk_words.looking_at(done, total),
    )
    context = {
        "draft": draft,
        "step_caption": bulk_words.wizard_step(draft.kind, step),
        "heading": heading.format(name=draft.source_name),
        "failed": record.get("reason") if record["state"] == reads.FAILED else None,
        "done": done,
        "total": total,
        "progress_words": said["words"],
        "stalled": said["stalled"],
        "hint": bulk_words.READ_HINT,
        "see_how_far": bulk_words.READ_SEE_HOW_FAR,
        "try_again": bulk_words.READ_TRY_AGAIN,
        "here": request.path,
    }
    return page_or_fragment(request, "bulk/reading.html", "bulk/_reading.html", context)


def _read_progress(record: dict, progress: str) -> dict:
    """What a page says of a running read: `progress` (how far it has got), unless no worker
    has started it for a while (reads.waiting): then that it waits for one, and after minutes
    (`stalled`, shown as a warning) that the worker may not be running. Every page polling a
    read says it through here."""
    waited = reads.waiting(record)
    if waited == reads.NOT_STARTED:
        return {"words": bulk_words.READ_NOT_STARTED, "stalled": True}
    if waited == reads.WAITING:
        return {"words": bulk_words.READ_WAITING_FOR_WORKER, "stalled": False}
    return {"words": progress, "stalled": False}


def _reload(request) -> HttpResponse:
    """The answer to a poll once the read is done: load this step as a whole page."""
    return HttpResponse(headers={"HX-Redirect": request.path})


def _take(draft: BulkDraft, what: str, result: dict) -> None:
    """Keep a finished read in the draft (for as long as the draft lives: paging, back and
    refresh ask for nothing again)."""
    choices = {k: v for k, v in draft.choices.items() if k != reads.PLAN_FIELD[what]}
    if what == reads.OWNED:
        draft.candidates = result["candidates"]
        draft.selected = [c["id"] for c in result["candidates"]]
        draft.list_pages = result["pages"]
        draft.not_manageable = result["not_manageable"]
    else:  # the selection is not among them: the job removes those after moving
        chosen = set(draft.selected)
        choices["leaver_shares"] = [r for r in result["shares"] if r["id"] not in chosen]
    draft.choices = choices
    draft.save(update_fields=["candidates", "selected", "list_pages", "not_manageable", "choices"])


def _draft_for(request, draft_id: int) -> BulkDraft:
    return get_object_or_404(BulkDraft, id=draft_id, owner=request.user)


STARTED_SECONDS = 24 * 3600  # how long a confirmed draft still leads to its job


def _started_key(request, draft_id: int) -> str:
    return f"bulk-draft-started:{request.user.pk}:{draft_id}"


def _already_started(request, draft_id: int):
    """A draft is gone once its job starts: a second confirm (a double click, the back button)
    is told so and taken to the job, not given a 404."""
    job_id = cache.get(_started_key(request, draft_id))
    messages.info(request, "This job has already been started. Here it is.")
    if job_id is None:
        return redirect("bulk:list")
    return redirect("bulk:detail", job_id=job_id)


@signed_in
@require_http_methods(["GET", "POST"])
def transfer_select(request, draft_id: int):
    """Step 2: tick all or some, across pages; the selection lives in the draft. Until the
    worker has listed them, how far it has got."""
    draft = _draft_for(request, draft_id)
    if (waiting := _await_read(request, draft, reads.OWNED, step="workflows")) is not None:
        return waiting if request.method == "GET" else redirect("bulk:select", draft_id=draft.id)
    if not draft.candidates:  # nothing they own that the viewer can manage: step 1 again
        context = {
            "form": StartForm(),
            "kind": draft.kind,
            "empty_name": draft.source_name,
            "not_manageable": draft.not_manageable,
            "step_caption": bulk_words.wizard_step(draft.kind, "whose"),
        }
        return render(request, "bulk/transfer_new.html", context)
    all_ids = [c["id"] for c in draft.candidates]
    page_number = request.GET.get("page") or 1
    error = None
    if request.method == "POST":
        form = SelectionForm(request.POST, candidate_ids=all_ids)
        if form.is_valid():
            draft.selected = form.apply(draft.selected, all_ids)
            draft.choices.pop("suggestions", None)  # asked again for the new selection
            draft.save(update_fields=["selected", "choices"])
            if form.cleaned_data.get("action") == "continue":
                if draft.selected:
                    return redirect("bulk:choices", draft_id=draft.id)
                error = "Choose at least one workflow."
            else:
                goto = form.cleaned_data.get("goto") or page_number
                url = reverse("bulk:select", args=[draft.id])
                return redirect(f"{url}?page={goto}")
    page = Paginator(draft.candidates, PER_PAGE).get_page(page_number)
    chosen = set(draft.selected)
    context = {
        "draft": draft,
        "page": page,
        "rows": [{**c, "chosen": c["id"] in chosen} for c in page.object_list],
        "selected_count": len(draft.selected),
        "error": error,
        "step_caption": bulk_words.wizard_step(draft.kind, "workflows"),
    }
    return render(request, "bulk/transfer_select.html", context, status=400 if error else 200)


def _grantee_name(client, kind: str, grantee_id: int) -> str:
    if kind == "group":
        return client.get_group(grantee_id).name
    return client.get_user(grantee_id).name


@signed_in
@require_http_methods(["GET", "POST"])
def transfer_choices(request, draft_id: int):
    """Step 3: the new owner (or per-workflow suggestions), or who gets or loses access."""
    draft = _draft_for(request, draft_id)
    if not draft.selected:
        return redirect("bulk:select", draft_id=draft.id)
    if draft.kind == "archive":  # nothing to choose: straight to the check
        draft.choices = {"action": "archive", "who_type": "user", "who_id": draft.source_id,
                         "who": draft.source_name}  # fmt: skip
        draft.save(update_fields=["choices"])
        return redirect("bulk:check", draft_id=draft.id)
    form_class = TransferChoicesForm if draft.kind == "transfer" else ShareChoicesForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        picked = data.pop("new_owner" if draft.kind == "transfer" else "grantee")
        client = accounts.client_for(request)
        try:
            name = _grantee_name(client, *picked)
        except NotFound:
            form.add_error(None, "We couldn't find who you chose. Choose again.")
        else:
            draft.choices = {**data, "who_type": picked[0], "who_id": picked[1], "who": name}
            draft.save(update_fields=["choices"])
            if draft.kind == "transfer":  # the last, optional step: the leaver's own access
                return redirect("bulk:access", draft_id=draft.id)
            return redirect("bulk:check", draft_id=draft.id)
    context = {
        "draft": draft,
        "form": form,
        "selected_count": len(draft.selected),
        "step_caption": bulk_words.wizard_step(draft.kind, "who"),
    }
    return render(
        request,
        "bulk/transfer_choices.html",
        context,
        status=400 if form.errors else 200,
    )


def _plan_leaver_read(request, draft: BulkDraft) -> None:
    """Plan the look for the leaver's other shares once per draft (one listing call); the
    page then waits for a worker to do it (reads.LEAVER)."""
    if "leaver_shares" in draft.choices or reads.PLAN_FIELD[reads.LEAVER] in draft.choices:
        return
    viewer = _viewer_id(request)
    if viewer is None:
        return
    planned = reads.plan(
        accounts.client_for(request), reads.LEAVER, viewer_id=viewer, person_id=draft.source_id
    )
    draft.choices = {**draft.choices, reads.PLAN_FIELD[reads.LEAVER]: planned.as_json()}
    draft.save(update_fields=["choices"])


@signed_in
@require_http_methods(["GET", "POST"])
def transfer_access(request, draft_id: int):
    """The last, optional step of offboarding: "Remove <name>'s access everywhere"."""
    draft = _draft_for(request, draft_id)
    if draft.kind != "transfer":
        raise Http404
    if not draft.selected or not draft.choices.get("who_id"):
        return redirect("bulk:choices", draft_id=draft.id)
    _plan_leaver_read(request, draft)
    if (waiting := _await_read(request, draft, reads.LEAVER, step="access")) is not None:
        return waiting if request.method == "GET" else redirect("bulk:access", draft_id=draft.id)
    if "leaver_shares" not in draft.choices:  # no civis account to read as: sign in again
        return redirect("core:sign_in")
    form = LeaverAccessForm(
        request.POST or None, initial={"remove_access": draft.choices.get("remove_access")}
    )
    if request.method == "POST" and form.is_valid():
        remove = bool(form.cleaned_data["remove_access"])
        draft.choices = {**draft.choices, "remove_access": remove}
        draft.save(update_fields=["choices"])
        return redirect("bulk:check", draft_id=draft.id)
    others = draft.choices["leaver_shares"]
    context = {
        "draft": draft,
        "form": form,
        "still_manages": bulk_words.leaver_still_manages(len(draft.selected)),
        "others": others,
        "hint": bulk_words.leaver_access_hint(len(others)),
        "step_caption": bulk_words.wizard_step(draft.kind, "access"),
    }
    return render(request, "bulk/transfer_access.html", context)


def _selected(draft: BulkDraft) -> list[dict]:
    chosen = set(draft.selected)
    return [c for c in draft.candidates if c["id"] in chosen]


def _transfer_plan(
    request, draft: BulkDraft, *, ask: bool = True
) -> tuple[list[dict], dict | None]:
    """Each selected workflow with its new owner; and, while a worker works out who already
    manages the workflows with no suggestion yet (reads.SUGGESTED: one call per workflow),
    that read's record (None once every one is known). Without `ask` (a confirm) no read is
    started or taken. Suggestions are kept in the draft (None: nobody found), so each is
    asked for once and the job does what the page showed."""
    choices = draft.choices
    rows = _selected(draft)
    fallback = (choices["who_id"], choices["who"])
    suggestions = dict(choices.get("suggestions") or {})
    reading = None
    if choices["mode"] == "suggested":
        missing = sorted(r["id"] for r in rows if str(r["id"]) not in suggestions)
        if missing:
            reading = _suggestions_read(request, draft, missing, ask=ask)
            suggestions = dict(draft.choices.get("suggestions") or {})
    plan = []
    for row in rows:
        owner_id, owner_name = suggestions.get(str(row["id"])) or fallback
        plan.append({**row, "new_owner_id": owner_id, "new_owner": owner_name})
    return plan, reading


def _suggestions_read(request, draft: BulkDraft, missing: list[int], *, ask: bool) -> dict | None:
    """The worker's read of who manages the workflows `missing`: its record while it runs or
    failed; None once its result is in the draft (taken now if it has just finished)."""
    waiting = {"state": reads.RUNNING, "done": 0, "total": len(missing)}
    if not ask:
        return waiting
    viewer, key_id = _viewer_id(request), reads.session_key_id(request)
    if viewer is None or key_id is None:
        return {"state": reads.FAILED, "reason": bulk_words.READ_SIGNED_OUT}
    field = reads.PLAN_FIELD[reads.SUGGESTED]
    if (draft.choices.get(field) or {}).get("rows") != missing:
        planned = reads.plan_moves(
            accounts.client_for(request),
            missing,
            viewer_id=viewer,
            person_id=draft.source_id,
            what=reads.SUGGESTED,
        )
        draft.choices = {**draft.choices, field: planned}
        draft.save(update_fields=["choices"])
    record = reads.ask(draft, reads.SUGGESTED, key_id, again=request.GET.get("again") == "1")
    if record["state"] != reads.DONE:
        return {**waiting, **{k: v for k, v in record.items() if v is not None}}
    choices = {k: v for k, v in draft.choices.items() if k != field}
    choices["suggestions"] = {
        **(choices.get("suggestions") or {}),
        **record["result"]["suggestions"],
    }
    draft.choices = choices
    draft.save(update_fields=["choices"])
    return None


def _title(draft: BulkDraft, count: int) -> str:
    choices = draft.choices
    if draft.kind == "transfer" and choices.get("remove_access"):
        others = len(choices.get("leaver_shares") or [])
        also = f" and {plural(others, 'other')}" if others else ""
        return (
            f"Move {_words(count)} owned by {draft.source_name}, then remove their access"
            f" to them{also}"
        )
    if draft.kind == "transfer":
        return f"Move {_words(count)} owned by {draft.source_name}"
    if draft.kind == "archive":
        return f"Archive {_words(count)} owned by {draft.source_name}"
    if choices["action"] == "revoke":
        return f"Remove {choices['who']}'s access to {_words(count)}"
    return f"{choices['who']} {describe_access(choices['level'])}: {_words(count)}"


@signed_in
@require_http_methods(["GET", "POST"])
def transfer_check(request, draft_id: int):
    """The last step of every kind: check your choices; confirming starts the job (once,
    however often it is submitted). While a worker works out the suggested owners, then what
    the moved workflows use (reads.SUGGESTED, reads.CLOSED), the page polls: its requests ask
    upstream for none."""
    if not BulkDraft.objects.filter(id=draft_id, owner=request.user).exists():
        if cache.get(_started_key(request, draft_id)) is None:
            raise Http404
        return _already_started(request, draft_id)
    draft = _draft_for(request, draft_id)
    if not draft.selected or not draft.choices.get("who_id"):
        return redirect("bulk:choices", draft_id=draft.id)
    choices = draft.choices
    if draft.kind == "transfer":
        # Confirming starts what the page showed: it asks for no new suggestions.
        plan, suggesting = _transfer_plan(request, draft, ask=request.method != "POST")
    else:
        plan, suggesting = _selected(draft), None
    if request.method == "POST":
        if suggesting is not None:  # confirm only what the page has shown in full
            return redirect("bulk:check", draft_id=draft.id)
        key = accounts.api_key_for(request)
        if key is None:
            return redirect("core:sign_in")
        with transaction.atomic():
            # Whoever deletes the draft starts the job: a second submission finds it gone.
            deleted, _ = BulkDraft.objects.filter(id=draft.id).delete()
            if deleted != 1:
                return _already_started(request, draft.id)
            job = jobs.start_job(
                kind=draft.kind if draft.kind == "transfer" else choices["action"],
                user=request.user,
                actor_civis_id=getattr(getattr(request.user, "civis", None), "civis_user_id", None),
                api_key=key,
                title=_title(draft, len(plan)),
                parameters=_job_parameters(draft),
                items=[_item_spec(draft, row) for row in plan] + _removals(draft),
                console_url=request.build_absolute_uri("/"),
            )
        cache.set(_started_key(request, draft.id), job.id, STARTED_SECONDS)
        return redirect("bulk:detail", job_id=job.id)
    closed: dict[str, list[dict]] = {}
    closed_read = None  # while a worker looks at what the moved workflows use
    if draft.kind == "transfer" and suggesting is None:
        found, closed_read = _closed_to_new_owner(request, draft, plan)
        closed = found or {}
        plan = [{**row, "closed": _things_shown(closed.get(str(row["id"]), []))} for row in plan]
    shared = _names_shared(row["name"] for row in plan)
    plan = [{**row, "same_name": row["name"] in shared} for row in plan]
    closed_count = sum(len(things) for things in closed.values())
    unshareable = sum(1 for things in closed.values() for t in things if not t.get("shareable"))
    context = {
        "draft": draft,
        "choices": choices,
        "plan": plan,
        "closed_count": closed_count,
        "closed_words": bulk_words.closed_summary(
            closed_count,
            len(closed),
            unshareable,
            shared=bool(choices.get("include_dependencies")),
        ),
        "closed_workflows": len(closed),
        "removed_words": bulk_words.leaver_access_removed(
            len(plan), len(choices.get("leaver_shares") or [])
        ),
        "kept_words": bulk_words.leaver_access_kept(len(plan)),
        "waiting": suggesting is not None,
        **_read_words(suggesting, closed_read),
        "title": _title(draft, len(plan)),
        "level_words": describe_access(choices.get("level")),
        "step_caption": bulk_words.wizard_step(draft.kind, "check"),
    }
    return page_or_fragment(request, "bulk/transfer_check.html", "bulk/_check.html", context)


def _things_shown(things: list[dict]) -> list[dict]:
    """The things a workflow uses as the check page lists them: kind and name in words, a
    link where the console has a page (workflows), and whether the viewer cannot share it."""
    return [
        {
            "label": bulk_words.thing_label(t["kind"], t.get("name"), t["id"]),
            "href": reverse("workflows:detail", args=[t["id"]])
            if t["kind"] == "workflow" and t.get("name")
            else None,
            "unshareable": not t.get("shareable"),
            "owner": t.get("owner"),
        }
        for t in things
    ]


def _closed_to_new_owner(
    request, draft: BulkDraft, plan: list[dict]
) -> tuple[dict[str, list[dict]] | None, dict | None]:
    """What each move's workflow uses that its new owner cannot open yet, once a worker has
    looked (reads.CLOSED: one call per workflow; kept in the draft for these moves); until
    then None and the read's record."""
    moves = [{"id": row["id"], "new_owner_id": row["new_owner_id"]} for row in plan]
    kept = draft.choices.get("closed")
    if kept is not None and kept.get("moves") == moves and "things" in kept:
        return kept["things"], None
    viewer, key_id = _viewer_id(request), reads.session_key_id(request)
    if viewer is None or key_id is None:
        return None, {"state": reads.FAILED, "reason": bulk_words.READ_SIGNED_OUT}
    field = reads.PLAN_FIELD[reads.CLOSED]
    if (draft.choices.get(field) or {}).get("rows") != moves:
        client = accounts.client_for(request)
        planned = reads.plan_moves(client, moves, viewer_id=viewer, person_id=draft.source_id)
        draft.choices = {**draft.choices, field: planned}
        draft.save(update_fields=["choices"])
    record = reads.ask(draft, reads.CLOSED, key_id, again=request.GET.get("again") == "1")
    if record["state"] != reads.DONE:
        return None, record
    choices = {k: v for k, v in draft.choices.items() if k != field}
    choices["closed"] = {"moves": moves, "things": record["result"]["things"]}
    draft.choices = choices
    draft.save(update_fields=["choices"])
    return choices["closed"]["things"], None


def _read_words(suggesting: dict | None, closed: dict | None) -> dict:
    """The check page's words while a worker works out the suggested owners (first) or looks
    at what the moved workflows use (then): how far it has got, or why it stopped."""
    record = suggesting or closed
    if record is None:
        return {"reading": None, "read_failed": None}
    if record["state"] == reads.FAILED:
        return {"reading": None, "read_failed": record.get("reason"),
                "try_again": bulk_words.READ_TRY_AGAIN}  # fmt: skip
    total, done = record.get("total"), record.get("done") or 0
    progress = (
        bulk_words.suggestions_progress(done, total or 0)  # its total is always known
        if suggesting is not None
        else bulk_words.closed_progress(done, total)
    )
    said = _read_progress(record, progress)
    return {
        "reading": said["words"],
        "read_stalled": said["stalled"],
        "read_failed": None,
        "see_how_far": bulk_words.READ_SEE_HOW_FAR,
    }


def _removals(draft: BulkDraft) -> list[jobs.ItemSpec]:
    """With the last step chosen: the leaver's share on each other workflow goes too."""
    if draft.kind != "transfer" or not draft.choices.get("remove_access"):
        return []
    return [
        jobs.ItemSpec(row["id"], row["name"], row.get("owner_id"), {"item_kind": "remove_access"})
        for row in draft.choices.get("leaver_shares") or []
    ]


def _job_parameters(draft: BulkDraft) -> dict:
    choices = draft.choices
    common = {
        "source_id": draft.source_id,
        "source_name": draft.source_name,
        "send_email": bool(choices.get("send_email")),
        "email_body": choices.get("email_body") or "",
    }
    if draft.kind == "archive":
        return common
    if draft.kind == "transfer":
        return {
            **common,
            "mode": choices["mode"],
            "user_id": choices["who_id"],
            "user_name": choices["who"],
            "include_dependencies": bool(choices.get("include_dependencies")),
            "remove_access": bool(choices.get("remove_access")),
        }
    return {
        **common,
        "grantee_type": choices["who_type"],
        "grantee_id": choices["who_id"],
        "grantee_name": choices["who"],
        "level": choices.get("level") or "read",
    }


def _item_spec(draft: BulkDraft, row: dict) -> jobs.ItemSpec:
    params: dict = {}
    if draft.kind == "transfer" and row["new_owner_id"] != draft.choices["who_id"]:
        params = {"user_id": row["new_owner_id"], "user_name": row["new_owner"]}
    if draft.kind == "transfer" and draft.choices.get("remove_access"):
        params["item_kind"] = "move_then_remove"
    if draft.kind == "transfer" and draft.choices.get("include_dependencies"):
        # The names and owners the check page showed, for the job's words of what stays closed.
        things = ((draft.choices.get("closed") or {}).get("things") or {}).get(str(row["id"]))
        if things:
            keep = ("kind", "id", "name", "owner")
            params["things"] = [{k: t.get(k) for k in keep} for t in things]
    return jobs.ItemSpec(row["id"], row["name"], row.get("owner_id"), params)
