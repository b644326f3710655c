"""A workflow's git link: link it to a file in a repository (`put_git`) or change the link
(`patch_git`); the commits on its branch (`list_git_commits`) and the file at one of them
(`get_git_commits`); commit the definition as it is now (`post_git_commits`, sending the
version of the file it replaces, so a commit made meanwhile is never overwritten); load a
version from git (`post_git_checkout_latest`, `post_git_checkout`) through a check page that
shows what the definition would become.

Everything here needs edit access, checked on the workflow as read before any change call.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from workflows_app.civis import CivisClient, errors
from workflows_app.civis.types import GitCommit, GitFileContent, GitMetadata, Workflow
from workflows_app.core import accounts, changes
from workflows_app.core.accounts import signed_in
from workflows_app.editing import revisions
from workflows_app.editing.changes import Version, describe_change, field_diffs
from workflows_app.editing.forms import stamp
from workflows_app.git.forms import HEX, CommitForm, LinkForm
from workflows_app.models import WorkflowRevision
from workflows_app.words import git as words

WHAT = "Working with its git file"
SHOWN_COMMITS = 50
CHECKOUTS = {"latest", "ref"}


def page_url(workflow_id: int, **query: str) -> str:
    url = reverse("git:page", args=[workflow_id])
    return url + ("?" + urlencode(query) if query else "")


def _read(request, workflow_id: int, what: str = WHAT):
    """(client, workflow, git link, refusal or None), the two reads at once; both kept for the
    page again, should a change go unanswered."""
    client, workflow, (git,), refusal = changes.load_with(
        request, workflow_id, what, lambda client: client.list_git(workflow_id)
    )
    changes.keep_for_again(request, (workflow, git))
    return client, workflow, git, refusal


def _commits(client: CivisClient, workflow_id: int) -> list[GitCommit]:
    try:
        return list(client.list_git_commits(workflow_id))
    except errors.NotFound:
        return []


def _head_file(client: CivisClient, workflow_id: int, commits: list[GitCommit]):
    """The file at the newest commit (newest first is a guess of civis_local's order)."""
    if not commits:
        return None
    try:
        return client.get_git_commits(workflow_id, commits[0].commit_hash)
    except errors.NotFound:
        return None


def _page(
    request,
    client: CivisClient,
    workflow: Workflow,
    git: GitMetadata,
    *,
    link_form: LinkForm | None = None,
    commit_form: CommitForm | None = None,
    status: int = 200,
):
    commits = _commits(client, workflow.id) if git.attached else []
    head = _head_file(client, workflow.id, commits)
    context = _context(request, workflow, git, commits, head, link_form, commit_form)
    return render(request, "git/git_page.html", context, status=status)


def _context(
    request,
    workflow: Workflow | changes.UnreadWorkflow,
    git: GitMetadata | None,
    commits: list[GitCommit] | None,
    head: GitFileContent | None,
    link_form: LinkForm | None,
    commit_form: CommitForm | None,
) -> dict:
    """The page's context. `git` None: the link was not read; `commits` None: the commits
    were not read (the platform did not answer); the page leaves out what needs them."""
    linked = bool(git and git.attached)
    if commit_form is None and head is not None and isinstance(workflow, Workflow):
        message = request.GET.get("message", "")[:2000]
        commit_form = CommitForm(
            initial={
                "message": message,
                "file_hash": head.file_hash,
                "definition_at": stamp(workflow.updated_at),
            }
        )
    in_git = Version(definition=head.content or "") if head else None
    here = Version(definition=getattr(workflow, "definition", None) or "")
    shown = commits or []
    return {
        "workflow": workflow,
        "git": git if linked else None,
        "git_unread": git is None,
        "commits_unread": commits is None,
        "linked_to": words.linked_to(git) if linked else "",
        "link_form": link_form or LinkForm.of(git),
        "commits": shown[:SHOWN_COMMITS],
        "more_commits": max(0, len(shown) - SHOWN_COMMITS),
        "head": shown[0] if shown else None,
        # The form to commit over the newest version, when there is one (or it was not read).
        "commit_form": commit_form if head or commits is None else None,
        "not_in_git": describe_change(in_git, here) if in_git else [],
        "diffs": field_diffs(in_git, here) if in_git else [],
        "short": words.short,
    }


def _page_again(request, read, **forms) -> tuple[str, dict]:
    """The page when the platform did not answer a link or a commit: what was typed, kept;
    the commits read again when the link was read, else left out (as is the link, unread)."""
    workflow, git = read if isinstance(read, tuple) else (read, None)
    commits, head = None, None
    if git is not None and git.attached:
        client = accounts.client_for(request)
        try:
            commits = _commits(client, workflow.id)
            head = _head_file(client, workflow.id, commits)
        except changes.UNANSWERED:
            commits, head = None, None
    context = _context(request, workflow, git, commits, head, forms.get("link_form"),
                       forms.get("commit_form"))  # fmt: skip
    context["form"] = forms.get("link_form") or forms.get("commit_form")
    return "git/git_page.html", context


def _link_again(request, read) -> tuple[str, dict]:
    return _page_again(request, read, link_form=LinkForm(request.POST))


def _commit_again(request, read) -> tuple[str, dict]:
    return _page_again(request, read, commit_form=CommitForm(request.POST))


@signed_in
@require_http_methods(["GET"])
def git_page(request, workflow_id: int):
    client, workflow, git, refusal = _read(request, workflow_id)
    if refusal:
        return refusal
    return _page(request, client, workflow, git)


@signed_in
@require_POST
@changes.form_again_when_unanswered(_link_again)
def link(request, workflow_id: int):
    """`put_git` when the workflow is not linked yet, else `patch_git` with what changed."""
    client, workflow, git, refusal = _read(request, workflow_id, "Linking it to git")
    if refusal:
        return refusal
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _page(request, client, workflow, git, link_form=form, status=400)
    try:
        if not git.attached:
            git = client.put_git(workflow_id, **form.fields_to_send())
            messages.success(request, f"Linked to {words.linked_to(git)}.")
        elif changed := form.changed_from(git):
            git = client.patch_git(workflow_id, **changed)
            messages.success(request, f"The link is changed: now {words.linked_to(git)}.")
        else:
            messages.info(request, "Nothing changed: the link is as it was.")
    except errors.Invalid as refusal_:
        form.add_error(None, f"The platform refused the link: {refusal_}")
        return _page(request, client, workflow, git, link_form=form, status=400)
    return redirect(page_url(workflow_id))


@signed_in
@require_http_methods(["GET"])
def commit_file(request, workflow_id: int, commit_hash: str):
    """The file as it was at one commit, and how it differs from the definition now."""
    if not HEX.match(commit_hash):
        raise Http404("not a commit")
    client, workflow, git, refusal = _read(request, workflow_id)
    if refusal:
        return refusal
    try:
        file = client.get_git_commits(workflow_id, commit_hash)
    except errors.NotFound as missing:
        raise Http404("no such commit") from missing
    commit = next((c for c in _commits(client, workflow_id) if c.commit_hash.startswith(
        commit_hash)), None)  # fmt: skip
    here, there = Version(definition=workflow.definition or ""), Version(
        definition=file.content or "")  # fmt: skip
    context = {
        "workflow": workflow,
        "commit": commit,
        "commit_hash": commit_hash,
        "file": file,
        "summary": describe_change(there, here),
        "diffs": field_diffs(there, here),
        "short": words.short,
    }
    return render(request, "git/commit_file.html", context)


@signed_in
@require_POST
@changes.form_again_when_unanswered(_commit_again)
def commit(request, workflow_id: int):
    """Commit the definition as it is now, over the file version the page was shown."""
    client, workflow, git, refusal = _read(request, workflow_id, "Committing it to git")
    if refusal:
        return refusal
    if not git.attached:
        messages.error(request, "Link it to a file in git first.")
        return redirect(page_url(workflow_id))
    form = CommitForm(request.POST)
    if not form.is_valid():
        return _page(request, client, workflow, git, commit_form=form, status=400)
    data = form.cleaned_data
    if data.get("definition_at") and data["definition_at"] != stamp(workflow.updated_at):
        messages.warning(
            request,
            "The definition changed since you opened this page, so nothing was committed. "
            "Check what a commit would change below, then commit again.",
        )
        return redirect(page_url(workflow_id, message=data["message"]))
    try:
        client.post_git_commits(
            workflow_id, workflow.definition or "", data["message"], data["file_hash"]
        )
    except errors.Invalid as refusal_:
        if refusal_.status == 409:  # the file moved on (civis_local's answer; a guess)
            context = {"workflow": workflow, "reload": page_url(workflow_id,
                       message=data["message"]), "words": words.SOMEONE_COMMITTED}  # fmt: skip
            return render(request, "git/someone_committed.html", context, status=409)
        form.add_error(None, f"The platform refused the commit: {refusal_}")
        return _page(request, client, workflow, git, commit_form=form, status=400)
    messages.success(request, f"Committed to git: “{data['message']}”.")
    return redirect(page_url(workflow_id))


# -- loading a version from git --------------------------------------------------------------


def _follows_branch(git: GitMetadata, which: str) -> bool:
    return which == "latest" or git.follows == "branch"


def _target_commit(git: GitMetadata, which: str, commits: list[GitCommit]) -> GitCommit | None:
    """The commit a checkout would load, when the commits on the branch name it."""
    if _follows_branch(git, which):
        return commits[0] if commits else None
    ref = git.git_ref or ""
    return next((c for c in commits if c.commit_hash.startswith(ref)), None)


Target = tuple[GitCommit | None, GitFileContent | None, str]


def _target(
    client: CivisClient, workflow_id: int, git: GitMetadata, which: str, commits: list[GitCommit]
) -> Target:
    """What a checkout would load: (its commit when known, its file when readable, words)."""
    commit = _target_commit(git, which, commits)
    if _follows_branch(git, which):
        label = f"the latest version on branch {git.git_branch or 'main'}"
        return commit, _head_file(client, workflow_id, commits), label
    ref = git.git_ref or ""
    try:
        file = client.get_git_commits(workflow_id, ref)
    except errors.NotFound:
        file = None  # a tag the console cannot read before loading it
    return commit, file, f"the version at {git.follows} {ref}"


def _checkout_page(request, client, workflow, git, which: str, *, notice: str = "",
                   status: int = 200):  # fmt: skip
    commits = _commits(client, workflow.id)
    commit, file, label = _target(client, workflow.id, git, which, commits)
    now = Version.of(workflow)
    after = now.with_fields(definition=file.content or "") if file else None
    context = {
        "workflow": workflow,
        "which": which,
        "label": label,
        "commit": commit,
        "readable": file is not None,
        "summary": describe_change(now, after) if after else [],
        "diffs": field_diffs(now, after) if after else [],
        "started_at": stamp(workflow.updated_at),
        "target": commit.commit_hash if commit else "",
        "notice": notice,
        "short": words.short,
    }
    return render(request, "git/checkout.html", context, status=status)


@signed_in
@require_http_methods(["GET", "POST"])
def checkout(request, workflow_id: int):
    """GET: the check page (what the definition would become). POST: load it, unless the
    workflow or the version to load changed since the check page was shown."""
    which = request.GET.get("from") or request.POST.get("from") or "latest"
    if which not in CHECKOUTS:
        which = "latest"
    client, workflow, git, refusal = _read(request, workflow_id, "Loading it from git")
    if refusal:
        return refusal
    if not git.attached:
        messages.error(request, "Link it to a file in git first.")
        return redirect(page_url(workflow_id))
    if request.method != "POST":
        return _checkout_page(request, client, workflow, git, which)
    commits = _commits(client, workflow_id)
    target = _target_commit(git, which, commits)
    if request.POST.get("started_at") != stamp(workflow.updated_at) or request.POST.get(
        "target", ""
    ) != (target.commit_hash if target else ""):
        notice = "Something changed since you looked: check what it would load now."
        return _checkout_page(request, client, workflow, git, which, notice=notice, status=409)
    before = Version.of(workflow)
    try:
        if which == "latest":
            client.post_git_checkout_latest(workflow_id)
        else:
            client.post_git_checkout(workflow_id)
    except (errors.Invalid, errors.NotFound) as refusal_:
        messages.error(request, f"Git could not load it: {refusal_}")
        return redirect(page_url(workflow_id))
    saved = client.get_workflow(workflow_id)
    what = f"commit {words.short(target.commit_hash)}" if target else "git"
    summary = [words.LOADED_FROM_GIT.format(what=what)]
    summary += describe_change(before, Version.of(saved))
    revisions.record(request, saved, WorkflowRevision.Kind.CHANGED, before, summary)
    messages.success(request, "; ".join(summary[:5]) + ("…" if len(summary) > 5 else ""))
    return redirect("workflows:detail", workflow_id)
