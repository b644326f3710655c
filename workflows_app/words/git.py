"""The words of a workflow's git link: what it is linked to, its commits, and the audit log's
sentences for the git calls (their fields in words, never their values)."""

from __future__ import annotations

from collections.abc import Iterable

from workflows_app.words.changes import and_list

# What the person chooses the workflow follows (`GitMetadata.follows`; the platform's
# `gitRefType` has only branch and tag, so a commit is sent as a tag: git/forms.py).
REF_KIND_CHOICES = [
    ("branch", "The latest version on the branch"),
    ("tag", "A tag (a version that does not move)"),
    ("commit", "One commit (a version that does not move), by its code"),
]

# The fields of `put_git` / `patch_git` as the audit log names them, in this order.
LINK_FIELD_WORDS = {
    "git_repo_url": "repository",
    "git_branch": "branch",
    "git_ref_type": "kind of version it follows (branch, tag or commit)",
    "git_ref": "version it follows",
    "git_path": "file",
    "pull_from_git": "“pull from git” setting",
}


def short(commit_hash: str | None) -> str:
    """A commit or file version as people quote it: its first 7 characters."""
    return (commit_hash or "")[:7]


def linked_to(git) -> str:
    """'flows/report.yml in https://…/repo.git, on branch main' (plain text; escaped later)."""
    where = f"{git.git_path or 'a file'} in {git.git_repo_url or 'a repository'}"
    kind = git.follows
    if kind == "commit":
        return f"{where}, at commit {short(git.git_ref)}"
    if kind == "tag":
        return f"{where}, at tag {git.git_ref}"
    return f"{where}, on branch {git.git_branch or git.git_ref or 'main'}"


def audit_link(action: str, fields: Iterable[str]) -> str:
    order = list(LINK_FIELD_WORDS)
    known = sorted((f for f in fields if f in LINK_FIELD_WORDS), key=order.index)
    listed = and_list(LINK_FIELD_WORDS[f] for f in known)
    if action == "put_git":
        return f"Set its {listed}" if listed else "Set the link"
    return f"Changed its {listed}" if listed else "Changed nothing"


def audit_commit(file_hash: str | None) -> str:
    if not file_hash:
        return "Committed its definition"
    return f"Committed its definition over the file's version {short(file_hash)}"


GIT_WRITES = ("put_git", "patch_git", "post_git_commits")


def audit_detail(action: str, detail: dict) -> str:
    """The audit row's sentence for a git write; removes the keys it has said from `detail`
    (`fields` of a link, the `file_hash` a commit replaced)."""
    if action == "post_git_commits":
        sentence = audit_commit(detail.pop("file_hash", None))
    else:
        sentence = audit_link(action, detail.pop("fields", None) or [])
    return sentence  # a refusal ("error") is said by words/audit.py, as for every action


# A commit the platform refused because its file version is no longer the newest (409, guess).
SOMEONE_COMMITTED = (
    "Someone committed to git since you opened this page, so nothing was committed. "
    "Reload the page to see their commit, then commit again if you still want to."
)
EMPTY_MESSAGE = (
    "Write a commit message: say what this version changes, for whoever reads the history."
)
LOADED_FROM_GIT = "Loaded from git: {what}"
