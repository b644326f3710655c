"""Forms of the git page: the link to a file in a repository, and a commit."""

from __future__ import annotations

import re

from django import forms

from workflows_app.civis.types import GitMetadata
from workflows_app.words import git as words

MAX_URL = 1000
MAX_REF = 255
MAX_PATH = 1000
MAX_MESSAGE = 2000
# A repository address people paste: https://…, ssh://…, or git@host:owner/repo.git.
REPO_URL = re.compile(r"^(https?://|ssh://|git@)[^\s]+$")
HEX = re.compile(r"^[0-9a-fA-F]{4,64}$")
# A commit as git shows it: at least 7 characters (its short form), at most a full SHA-256.
COMMIT = re.compile(r"^[0-9a-fA-F]{7,64}$")


class LinkForm(forms.Form):
    git_repo_url = forms.CharField(
        label="Repository address",
        max_length=MAX_URL,
        help_text="As you would clone it, for example https://github.com/your-team/flows.git",
        error_messages={"required": "Give the repository's address."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    git_branch = forms.CharField(
        label="Branch",
        max_length=MAX_REF,
        initial="main",
        error_messages={"required": "Give the branch the file is on (often main)."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    git_ref_type = forms.ChoiceField(
        label="Which version does it follow?",
        choices=words.REF_KIND_CHOICES,
        initial="branch",
        widget=forms.RadioSelect,
    )
    tag = forms.CharField(
        label="Tag (only when it follows a tag)",
        max_length=MAX_REF,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    commit = forms.CharField(
        label="Commit (only when it follows one commit)",
        max_length=64,
        required=False,
        help_text="Its code as git shows it (7 or more letters and digits), for example 3f2a9c1.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    git_path = forms.CharField(
        label="File in the repository",
        max_length=MAX_PATH,
        help_text="Its path from the top of the repository, for example flows/weekly_report.yml",
        error_messages={"required": "Give the file's path in the repository."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pull_from_git = forms.BooleanField(
        label="Pull from git: take the newest version of the file before each run",
        required=False,
        help_text="The platform does this only where the feature is turned on for your "
        "organisation.",
    )

    @classmethod
    def of(cls, git: GitMetadata | None) -> LinkForm:
        if git is None or not git.attached:
            return cls()
        kind = git.follows
        return cls(
            initial={
                "git_repo_url": git.git_repo_url or "",
                "git_branch": git.git_branch or "main",
                "git_ref_type": kind,
                "tag": git.git_ref if kind == "tag" else "",
                "commit": git.git_ref if kind == "commit" else "",
                "git_path": git.git_path or "",
                "pull_from_git": bool(git.pull_from_git),
            }
        )

    def clean_git_repo_url(self) -> str:
        url = self.cleaned_data["git_repo_url"].strip()
        if not REPO_URL.match(url):
            raise forms.ValidationError(
                "Give the address as you would clone it: starting https://, ssh:// or git@."
            )
        return url

    def clean_git_path(self) -> str:
        return self.cleaned_data["git_path"].strip().lstrip("/")

    def clean(self):
        data = super().clean()
        kind = data.get("git_ref_type")
        if kind == "tag" and not (data.get("tag") or "").strip():
            self.add_error("tag", "Give the tag's name, or choose the latest on the branch.")
        commit = (data.get("commit") or "").strip()
        if kind == "commit" and not commit:
            self.add_error("commit", "Give the commit's code, or choose the latest on the branch.")
        elif kind == "commit" and not COMMIT.match(commit):
            self.add_error(
                "commit",
                "A commit's code is made of the digits 0-9 and the letters a-f, 7 or more of "
                "them, as git shows it (for example 3f2a9c1).",
            )
        return data

    def fields_to_send(self) -> dict:
        """The platform's fields: `git_ref` is the tag or the commit, or the branch when it
        follows one. `gitRefType` is documented as "branch" or "tag" only, so a commit goes as
        a tag: a version that does not move (a guess; the platform resolves the SHA in
        `gitRef` either way, and the console reads it back as a commit: `follows`)."""
        data = self.cleaned_data
        kind = data["git_ref_type"]
        refs = {"tag": data["tag"].strip(), "commit": data["commit"].strip().lower()}
        return {
            "git_repo_url": data["git_repo_url"],
            "git_branch": data["git_branch"].strip(),
            "git_ref_type": "branch" if kind == "branch" else "tag",
            "git_ref": refs.get(kind) or data["git_branch"].strip(),
            "git_path": data["git_path"],
            "pull_from_git": bool(data.get("pull_from_git")),
        }

    def changed_from(self, git: GitMetadata) -> dict:
        """Only the fields that differ from the link as it is (for `patch_git`)."""
        return {
            name: value
            for name, value in self.fields_to_send().items()
            if (bool(git.pull_from_git) if name == "pull_from_git" else getattr(git, name)) != value
        }


class CommitForm(forms.Form):
    """A commit of the definition as it is now. `file_hash` is the version of the file at the
    head of the branch when the page was shown; `definition_at` the workflow's `updatedAt`."""

    message = forms.CharField(
        label="Commit message",
        max_length=MAX_MESSAGE,
        help_text="What this version changes, for whoever reads the history.",
        error_messages={"required": words.EMPTY_MESSAGE},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    definition_at = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def clean_file_hash(self) -> str:
        value = self.cleaned_data["file_hash"]
        if not HEX.match(value):
            raise forms.ValidationError("This page is out of date: reload it and try again.")
        return value
