"""/workflows/{id}/git: a simulated repository per attached workflow. Commits live in the
database; checking one out replaces the workflow's definition with the file at that commit."""

import hashlib

from django.db import transaction

from ..definitions import validate
from ..levers import now
from ..models import READ, WRITE, GitAttachment, GitCommit, Workflow
from ..permissions import get_workflow
from ..wire import ApiError, json_response, read_body, require, timestamp
from . import methods

GIT_FIELDS = ("git_ref", "git_branch", "git_path", "git_repo_url", "git_ref_type", "pull_from_git")


def file_hash(content: str) -> str:
    """Git's blob id of the content, as the platform reports `fileHash`."""
    data = content.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def commit_hash(workflow_id: int, parent: str, content: str, message: str) -> str:
    seed = f"{workflow_id}\n{parent}\n{message}\n{content}".encode()
    return hashlib.sha1(seed, usedforsecurity=False).hexdigest()


def add_commit(workflow: Workflow, content: str, message: str, author: str, at) -> GitCommit:
    head = head_commit(workflow)
    return GitCommit.objects.create(
        workflow=workflow,
        commit_hash=commit_hash(workflow.id, head.commit_hash if head else "", content, message),
        author_name=author,
        date=at,
        message=message,
        content=content,
        file_hash=file_hash(content),
    )


def head_commit(workflow: Workflow) -> GitCommit | None:
    return GitCommit.objects.filter(workflow=workflow).order_by("-date", "-id").first()


def git_file(attachment: GitAttachment | None) -> dict:
    if attachment is None:
        return {field: None for field in ("gitRef", "gitBranch", "gitPath", "gitRepo",
                                          "gitRefType", "pullFromGit")}  # fmt: skip
    return {
        "gitRef": attachment.git_ref,
        "gitBranch": attachment.git_branch,
        "gitPath": attachment.git_path,
        "gitRepo": None
        if not attachment.repo_url
        else {
            "id": attachment.id,
            "repoUrl": attachment.repo_url,
            "createdAt": timestamp(attachment.created_at),
            "updatedAt": timestamp(attachment.updated_at),
        },
        "gitRefType": attachment.git_ref_type,
        "pullFromGit": attachment.pull_from_git,
    }


def content(commit: GitCommit) -> dict:
    return {
        "content": commit.content,
        "type": "file",
        "size": len(commit.content.encode()),
        "fileHash": commit.file_hash,
    }


def _attachment(workflow: Workflow) -> GitAttachment:
    attachment = GitAttachment.objects.filter(workflow=workflow).first()
    if attachment is None:
        raise ApiError(404, f"Workflow {workflow.id} is not attached to a git file.")
    return attachment


def get_git(request, id):
    workflow, _ = get_workflow(request.caller, id, READ)
    return json_response(git_file(GitAttachment.objects.filter(workflow=workflow).first()))


def _attach(request, id, replace: bool):
    workflow, _ = get_workflow(request.caller, id, WRITE)
    body = read_body(request)
    at = now()
    with transaction.atomic():
        attachment = GitAttachment.objects.filter(workflow=workflow).first()
        if attachment is None:
            attachment = GitAttachment(workflow=workflow, created_at=at)
        for field in GIT_FIELDS:
            if field in body or replace:
                value = body.get(field)
                target = "repo_url" if field == "git_repo_url" else field
                setattr(attachment, target, bool(value) if field == "pull_from_git" else value)
        attachment.git_branch = attachment.git_branch or "main"
        attachment.git_ref = attachment.git_ref or attachment.git_branch
        attachment.git_ref_type = attachment.git_ref_type or "branch"
        attachment.updated_at = at
        attachment.save()
        if head_commit(workflow) is None:
            add_commit(workflow, workflow.definition, "Initial commit", workflow.user.name, at)
    return json_response(git_file(attachment))


def put_git(request, id):
    return _attach(request, id, replace=True)


def patch_git(request, id):
    return _attach(request, id, replace=False)


def list_commits(request, id):
    """The commits on the attached branch, as an array (the real service answers an array,
    though the published spec says one object). Newest first is a guess: the order is not
    documented."""
    workflow, _ = get_workflow(request.caller, id, READ)
    _attachment(workflow)
    commits = GitCommit.objects.filter(workflow=workflow).order_by("-date", "-id")
    return json_response(
        [
            {
                "commitHash": commit.commit_hash,
                "authorName": commit.author_name,
                "date": timestamp(commit.date),
                "message": commit.message,
            }
            for commit in commits
        ]
    )


def _find_commit(workflow: Workflow, ref: str) -> GitCommit:
    if len(ref) >= 4:
        commit = GitCommit.objects.filter(workflow=workflow, commit_hash__startswith=ref).first()
        if commit:
            return commit
    raise ApiError(404, f"Commit {ref!r} not found.")


def get_commit(request, id, commit_hash):
    workflow, _ = get_workflow(request.caller, id, READ)
    _attachment(workflow)
    return json_response(content(_find_commit(workflow, commit_hash)))


def _check_out(workflow: Workflow, commit: GitCommit) -> None:
    valid, errors = validate(commit.content)
    Workflow.objects.filter(id=workflow.id).update(
        definition=commit.content, valid=valid, validation_errors=errors, updated_at=now()
    )


def post_commit(request, id):
    workflow, _ = get_workflow(request.caller, id, WRITE)
    attachment = _attachment(workflow)
    body = read_body(request)
    require(body, "content", "message", "file_hash")
    head = head_commit(workflow)
    # (guess) A stale fileHash: the status and text are not documented; 409 is our reading.
    if head and body["file_hash"] != head.file_hash:
        raise ApiError(409, "fileHash does not match the file at the head of the branch.")
    with transaction.atomic():
        commit = add_commit(
            workflow, body["content"], body["message"], request.caller.user.name, now()
        )
        if attachment.git_ref_type != "tag":
            _check_out(workflow, commit)
    return json_response(content(commit))


def checkout_latest(request, id):
    workflow, _ = get_workflow(request.caller, id, WRITE)
    _attachment(workflow)
    head = head_commit(workflow)
    if head is None:
        raise ApiError(404, "No commits on this branch.")
    _check_out(workflow, head)
    return json_response(content(head))


def checkout(request, id):
    """What `git_ref` points to: a commit SHA (full or short), else the branch head."""
    workflow, _ = get_workflow(request.caller, id, WRITE)
    attachment = _attachment(workflow)
    ref = attachment.git_ref or attachment.git_branch
    if ref and ref != attachment.git_branch:
        commit = _find_commit(workflow, ref)
    else:
        commit = head_commit(workflow)
        if commit is None:
            raise ApiError(404, "No commits on this branch.")
    _check_out(workflow, commit)
    return json_response(content(commit))


git = methods(GET=get_git, PUT=put_git, PATCH=patch_git)
commits = methods(GET=list_commits, POST=post_commit)
commit = methods(GET=get_commit)
checkout_latest_view = methods(POST=checkout_latest)
checkout_view = methods(POST=checkout)
