"""A workflow's git page over a live civis_local: link it (`put_git`), change the link
(`patch_git`), the commits (`list_git_commits`) and the file at one (`get_git_commits`), commit
the definition (`post_git_commits`, a commit made meanwhile is not overwritten; an empty
message changes nothing), load from git through the check page (`post_git_checkout_latest`,
`post_git_checkout`); a viewer is refused before any change call; the edit page of a linked
workflow says a checkout replaces edits made there."""

import re

import pytest
import requests

from tests.changing import DEFINITION, changes, new_workflow, share
from tests.conftest import free_port
from workflows_app.models import AuditEntry, WorkflowRevision

pytestmark = pytest.mark.django_db

REPO = "https://github.com/example-team/flows.git"
LINK = {"git_repo_url": REPO, "git_branch": "main", "git_ref_type": "branch", "tag": "",
        "git_path": "flows/weekly.yml"}  # fmt: skip
MORE = (
    DEFINITION + "    publish_scores:\n      action: std.echo\n      input:\n        output: done\n"
)


def git_page(workflow) -> str:
    return f"/workflows/{workflow.id}/git/"


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def linked(owner, label="Git test"):
    workflow = new_workflow(owner, label=label)
    owner.api.put_git(workflow.id, git_repo_url=REPO, git_branch="main", git_path="flows/w.yml")
    return workflow


def head_hash(who, workflow) -> str:
    head = who.api.list_git_commits(workflow.id)[0]
    return who.api.get_git_commits(workflow.id, head.commit_hash).file_hash


def test_link_with_put_then_change_it_with_patch(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    console_calls.clear()
    assert "It is not linked to a file in git." in client.get(git_page(workflow)).content.decode()

    refused = client.post(git_page(workflow) + "link/", {**LINK, "git_path": "  "})
    assert refused.status_code == 400
    assert "Give the file&#x27;s path in the repository." in refused.content.decode()
    assert changes(console_calls, workflow.id) == []

    answer = client.post(git_page(workflow) + "link/", LINK)
    assert answer.status_code == 302
    link = ada.api.list_git(workflow.id)
    assert (link.git_repo_url, link.git_path, link.git_branch) == (REPO, "flows/weekly.yml", "main")
    page = client.get(git_page(workflow)).content.decode()
    assert "Linked to flows/weekly.yml in https://github.com/example-team/flows.git" in page

    moved = {**LINK, "git_path": "flows/monday.yml", "pull_from_git": "on"}
    client.post(git_page(workflow) + "link/", moved)
    link = ada.api.list_git(workflow.id)
    assert (link.git_path, link.pull_from_git, link.git_repo_url) == (
        "flows/monday.yml",
        True,
        REPO,
    )
    assert changes(console_calls, workflow.id) == [
        ("PUT", f"/workflows/{workflow.id}/git"),
        ("PATCH", f"/workflows/{workflow.id}/git"),
    ]
    said = AuditEntry.objects.filter(object_id=str(workflow.id), action__endswith="_git")
    said = list(said.order_by("id"))
    assert [e.action for e in said] == ["put_git", "patch_git"]
    assert "Set its repository, branch, kind of version it follows (branch, tag or commit), " \
           "version it follows, file and “pull from git” setting" in said[0].detail  # fmt: skip
    assert "Changed its file and “pull from git” setting" in said[1].detail


def test_the_commits_and_the_file_at_one(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = linked(ada)
    ada.api.post_git_commits(workflow.id, MORE + "# <b>bold</b>\n", "Add publish_scores",
                             head_hash(ada, workflow))  # fmt: skip
    newest, first = ada.api.list_git_commits(workflow.id)
    sign_in(client, ada)
    console_calls.clear()
    page = client.get(git_page(workflow)).content.decode()
    assert ("GET", f"/workflows/{workflow.id}/git/commits") in console_calls
    rows = re.findall(r"<tr><td><a href=\"[^\"]+/git/commits/(\w+)/\">.*?</tr>", page, re.S)
    assert rows == [newest.commit_hash, first.commit_hash]
    assert "Add publish_scores" in page and "Initial commit" in page and "Ada Okafor" in page

    at_first = client.get(git_page(workflow) + f"commits/{first.commit_hash}/").content.decode()
    assert ("GET", f"/workflows/{workflow.id}/git/commits/{first.commit_hash}") in console_calls
    assert "say_hello:" in at_first and "Initial commit" in at_first
    at_newest = client.get(git_page(workflow) + f"commits/{newest.commit_hash[:7]}/")
    text = at_newest.content.decode()
    assert "publish_scores:" in text and "&lt;b&gt;bold&lt;/b&gt;" in text and "<b>bold" not in text
    assert client.get(git_page(workflow) + "commits/0000000/").status_code == 404


def test_commit_the_definition_with_a_message(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = linked(ada)
    ada.api.patch_workflow(workflow.id, definition=MORE)  # an edit made here, not in git
    sign_in(client, ada)
    console_calls.clear()
    page = client.get(git_page(workflow)).content.decode()
    assert "What a commit would change in git" in page and "A new task publish_scores" in page
    form = {"file_hash": hidden(page, "file_hash"), "definition_at": hidden(page, "definition_at")}

    empty = client.post(git_page(workflow) + "commit/", {**form, "message": "   "})
    assert empty.status_code == 400
    assert "Write a commit message: say what this version changes" in empty.content.decode()
    assert changes(console_calls, workflow.id) == []

    done = client.post(git_page(workflow) + "commit/", {**form, "message": "Publish the scores"})
    assert done.status_code == 302
    head = ada.api.list_git_commits(workflow.id)[0]
    assert (head.message, head.author_name) == ("Publish the scores", "Ada Okafor")
    assert ada.api.get_git_commits(workflow.id, head.commit_hash).content == MORE
    assert changes(console_calls, workflow.id) == [
        ("POST", f"/workflows/{workflow.id}/git/commits")
    ]
    entry = AuditEntry.objects.filter(object_id=str(workflow.id), action="post_git_commits").get()
    said = f"Committed its definition over the file's version {form['file_hash'][:7]}"
    assert said in entry.detail
    assert "The definition here is the same as the newest version in git." in client.get(
        git_page(workflow)).content.decode()  # fmt: skip


def test_a_commit_made_meanwhile_is_not_overwritten(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = linked(ada)
    sign_in(client, ada)
    page = client.get(git_page(workflow)).content.decode()
    seen = {"file_hash": hidden(page, "file_hash"), "definition_at": hidden(page, "definition_at")}
    ada.api.post_git_commits(
        workflow.id, DEFINITION + "# theirs\n", "Their commit", seen["file_hash"]
    )
    ada.api.patch_workflow(workflow.id, definition=DEFINITION)  # as it was when the page showed
    seen["definition_at"] = hidden(client.get(git_page(workflow)).content.decode(), "definition_at")
    console_calls.clear()

    answer = client.post(git_page(workflow) + "commit/", {**seen, "message": "Mine"})
    assert answer.status_code == 409
    text = answer.content.decode()
    assert "Someone committed to git since you opened this page, so nothing was committed." in text
    assert "Reload the git page" in text and "?message=Mine#commit" in text
    messages = [c.message for c in ada.api.list_git_commits(workflow.id)]
    assert messages == ["Their commit", "Initial commit"]
    reloaded = client.get(git_page(workflow) + "?message=Mine").content.decode()
    assert "Their commit" in reloaded and re.search(r">\s*Mine</textarea>", reloaded)


def test_check_out_the_latest_through_the_check_page(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = linked(ada)
    ada.api.post_git_commits(workflow.id, MORE, "Add publish_scores", head_hash(ada, workflow))
    ada.api.patch_workflow(workflow.id, definition=DEFINITION)  # an edit made here since
    sign_in(client, ada)
    console_calls.clear()
    check = client.get(git_page(workflow) + "checkout/?from=latest").content.decode()
    assert "This loads the latest version on branch main" in check
    assert "A new task publish_scores" in check and "Add publish_scores" in check
    assert changes(console_calls, workflow.id) == []
    form = {k: hidden(check, k) for k in ("from", "started_at", "target")}

    done = client.post(git_page(workflow) + "checkout/", form)
    assert done.status_code == 302 and done.url == f"/workflows/{workflow.id}/"
    assert ada.api.get_workflow(workflow.id).definition == MORE
    assert changes(console_calls, workflow.id) == [
        ("POST", f"/workflows/{workflow.id}/git/checkout-latest")
    ]
    kept = WorkflowRevision.objects.get(workflow_id=workflow.id)
    assert kept.definition_before == DEFINITION and "Loaded from git: commit" in kept.summary

    console_calls.clear()  # the same form again: the workflow changed since, so nothing loads
    again = client.post(git_page(workflow) + "checkout/", form)
    assert (
        again.status_code == 409 and "Something changed since you looked" in again.content.decode()
    )
    assert changes(console_calls, workflow.id) == []


def test_check_out_what_the_link_points_to(actor, sign_in, client, console_calls):
    ada = actor("aokafor")
    workflow = linked(ada)
    first = ada.api.list_git_commits(workflow.id)[0].commit_hash
    ada.api.post_git_commits(workflow.id, MORE, "Add publish_scores", head_hash(ada, workflow))
    ada.api.patch_git(workflow.id, git_ref=first, git_ref_type="commit")  # pinned to the first
    sign_in(client, ada)
    console_calls.clear()
    check = client.get(git_page(workflow) + "checkout/?from=ref").content.decode()
    assert f"This loads the version at commit {first}" in check
    assert "Task publish_scores is removed" in check
    form = {k: hidden(check, k) for k in ("from", "started_at", "target")}
    assert form["target"] == first

    client.post(git_page(workflow) + "checkout/", form)
    assert ada.api.get_workflow(workflow.id).definition == DEFINITION
    assert changes(console_calls, workflow.id) == [
        ("POST", f"/workflows/{workflow.id}/git/checkout")
    ]


def test_a_link_pinned_to_a_commit_is_kept_when_saved_again(actor, sign_in, client, console_calls):
    """A pin made elsewhere (`gitRef` a SHA beside `gitRefType` "branch") reads as a commit, is
    saved again as one (not silently moved back to the branch), and still loads that commit;
    a commit's code that is not one changes nothing."""
    ada = actor("aokafor")
    workflow = linked(ada)
    first = ada.api.list_git_commits(workflow.id)[0].commit_hash
    ada.api.post_git_commits(workflow.id, MORE, "Add publish_scores", head_hash(ada, workflow))
    ada.api.patch_git(workflow.id, git_ref=first)  # pinned, its type left as "branch"
    sign_in(client, ada)
    page = client.get(git_page(workflow)).content.decode()
    assert f"Linked to flows/w.yml in {REPO}, at commit {first[:7]}." in page
    assert f"Check out what the link points to (commit {first[:7]})" in page
    assert re.search(r'value="commit"[^>]*checked', page)
    assert f'name="commit" value="{first}"' in page
    detail = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert f"flows/w.yml in {REPO}, at commit {first[:7]}" in detail

    console_calls.clear()
    pinned = {**LINK, "git_path": "flows/monday.yml", "git_ref_type": "commit"}
    for code, said in [
        ("", "Give the commit&#x27;s code, or choose the latest on the branch."),
        ("not-a-sha", "A commit&#x27;s code is made of the digits 0-9 and the letters a-f"),
    ]:
        refused = client.post(git_page(workflow) + "link/", {**pinned, "commit": code})
        assert refused.status_code == 400 and said in refused.content.decode()
    assert changes(console_calls, workflow.id) == []

    saved = client.post(git_page(workflow) + "link/", {**pinned, "commit": first.upper()})
    assert saved.status_code == 302
    link = ada.api.list_git(workflow.id)
    assert (link.git_ref, link.git_ref_type, link.git_path) == (first, "tag", "flows/monday.yml")
    assert changes(console_calls, workflow.id) == [("PATCH", f"/workflows/{workflow.id}/git")]
    entry = (
        AuditEntry.objects.filter(object_id=str(workflow.id), action="patch_git")
        .order_by("id")
        .last()
    )
    assert "Changed its kind of version it follows (branch, tag or commit) and file" in entry.detail

    check = client.get(git_page(workflow) + "checkout/?from=ref").content.decode()
    assert f"This loads the version at commit {first}" in check
    form = {k: hidden(check, k) for k in ("from", "started_at", "target")}
    client.post(git_page(workflow) + "checkout/", form)
    assert ada.api.get_workflow(workflow.id).definition == DEFINITION


def test_a_viewer_is_refused_before_any_change_call(actor, sign_in, client, console_calls):
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = linked(ada)
    share(ada, workflow, chiara, "read")
    first = ada.api.list_git_commits(workflow.id)[0].commit_hash
    sign_in(client, chiara)
    console_calls.clear()
    assert git_page(workflow) not in client.get(f"/workflows/{workflow.id}/").content.decode()
    page = git_page(workflow)
    answers = [
        client.get(page),
        client.post(page + "link/", LINK),
        client.get(page + f"commits/{first}/"),
        client.post(page + "commit/", {"message": "Mine", "file_hash": "a" * 40}),
        client.get(page + "checkout/?from=latest"),
        client.post(page + "checkout/", {"from": "latest"}),
        client.post(page + "checkout/", {"from": "ref"}),
    ]
    assert [a.status_code for a in answers] == [403] * len(answers)
    assert "needs edit access" in answers[1].content.decode()
    assert changes(console_calls, workflow.id) == []


def test_the_edit_page_of_a_linked_workflow_says_so_and_offers_a_commit(actor, sign_in, client):
    ada = actor("aokafor")
    plain, workflow = new_workflow(ada), linked(ada)
    sign_in(client, ada)
    assert (
        "Checking out from git" not in client.get(f"/workflows/{plain.id}/edit/").content.decode()
    )
    edit = client.get(f"/workflows/{workflow.id}/edit/").content.decode()
    assert "Checking out from git will replace edits made here." in edit
    assert f'href="/workflows/{workflow.id}/git/#commit">commit this change to git</a>' in edit

    fields = {k: hidden(edit, k) for k in ("started_at", "base_name", "base_definition")}
    form = {**fields, "name": workflow.name, "description": "", "definition": MORE,
            "base_description": ""}  # fmt: skip
    check = client.post(f"/workflows/{workflow.id}/edit/", {**form, "step": "check"})
    assert "Save, then commit this change to git" in check.content.decode()
    saved = client.post(f"/workflows/{workflow.id}/edit/", {**form, "step": "save_then_git"})
    assert saved.status_code == 302
    message = "A+new+task+publish_scores+%28passes+on+a+value%29"
    assert saved.url == f"/workflows/{workflow.id}/git/?message={message}#commit"
    assert ada.api.get_workflow(workflow.id).definition == MORE
    page = client.get(saved.url).content.decode()
    assert re.search(r">\s*A new task publish_scores \(passes on a value\)</textarea>", page)


NOT_ANSWERED = "The platform did not answer. Nothing was changed. Try again in a minute."


def test_a_link_the_platform_does_not_answer_keeps_what_was_typed(actor, sign_in, client, settings):
    """civis_local unreachable at 'Link it to this file': the page again with the address,
    branch and file typed, and nothing it cannot know (linked or not, the commits)."""
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in(client, ada)
    assert client.get(git_page(workflow)).status_code == 200
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"  # civis_local unreachable

    answer = client.post(git_page(workflow) + "link/", {**LINK, "git_branch": "reports"})
    html = answer.content.decode()
    assert answer.status_code == 503
    summary = html.index('class="error-summary"')
    assert NOT_ANSWERED in html[summary:] and "Go to the start" not in html
    assert summary < html.index(f'action="/workflows/{workflow.id}/git/link/"')
    assert f'value="{REPO}"' in html and 'value="reports"' in html
    assert 'value="flows/weekly.yml"' in html
    assert "It is not linked" not in html and "Commits on branch" not in html
    assert ada.api.list_git(workflow.id).attached is False


def test_a_commit_refused_for_speed_keeps_the_message_and_leaves_out_the_commits(
    actor, sign_in, client, local_api
):
    """The workflow and its link are read, then the commit (and the commits' read for the page
    again) get no answer they can use: the message is kept, ready to send again."""
    ada = actor("aokafor")
    workflow = linked(ada)
    ada.api.patch_workflow(workflow.id, definition=MORE)
    sign_in(client, ada)
    page = client.get(git_page(workflow)).content.decode()
    sent = {"file_hash": hidden(page, "file_hash"), "definition_at": hidden(page, "definition_at"),
            "message": "Add publish_scores"}  # fmt: skip
    configure(local_api, rate_limit="2/120")  # the page's two reads spend it
    try:
        answer = client.post(git_page(workflow) + "commit/", sent)
    finally:
        configure(local_api, rate_limit=None)
    html = answer.content.decode()
    assert answer.status_code == 503
    summary = html.index('class="error-summary"')
    assert "The platform asked us to slow down. Nothing was changed." in html[summary:]
    form = html[html.index(f'action="/workflows/{workflow.id}/git/commit/"') :]
    assert re.search(r">\s*Add publish_scores</textarea>", form)
    assert f'value="{sent["file_hash"]}"' in form  # sent again, it commits over the same one
    assert "Linked to flows/w.yml" in html  # the link, as read
    assert "There is no commit on the branch yet" not in html  # not read: not claimed
    assert 'id="commits"' not in html
    assert len(ada.api.list_git_commits(workflow.id)) == 1  # nothing committed

    again = client.post(git_page(workflow) + "commit/", sent)  # a minute later
    assert again.status_code == 302
    assert len(ada.api.list_git_commits(workflow.id)) == 2


def configure(api, **levers) -> None:
    requests.post(api.url + "_local/config", json=levers, timeout=5).raise_for_status()
