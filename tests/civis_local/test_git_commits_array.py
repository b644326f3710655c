"""`GET /workflows/{id}/git/commits` answers an array of the branch's commits (as the real
service does and openapi-subset.json now says), newest first; the client reads the array."""

import requests

from tests.changing import DEFINITION, new_workflow


def test_commits_come_back_as_an_array_newest_first(actor, use_local_api):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    ada.api.put_git(workflow.id, git_repo_url="https://example.org/r.git", git_path="wf.yml")
    (first,) = ada.api.list_git_commits(workflow.id)
    head = ada.api.get_git_commits(workflow.id, first.commit_hash)
    ada.api.post_git_commits(workflow.id, DEFINITION + "# two\n", "Second", head.file_hash or "")

    raw = requests.get(
        f"{use_local_api.url}workflows/{workflow.id}/git/commits",
        headers={"Authorization": f"Bearer {ada.key}"},
        timeout=10,
    ).json()
    assert isinstance(raw, list) and [c["message"] for c in raw] == ["Second", "Initial commit"]
    assert set(raw[0]) == {"commitHash", "authorName", "date", "message"}
    commits = ada.api.list_git_commits(workflow.id)
    assert [c.message for c in commits] == ["Second", "Initial commit"]
    assert commits[1].commit_hash == first.commit_hash
