"""The create, edit, check and history pages against a live civis_local, through the Django
test client: `post`, `patch` and `put` each called from its page; the check page's summary;
a save refused when someone saved meanwhile; broken input changes nothing; a view-only person
is refused everywhere before any upstream write."""

import pytest

from tests.conftest import free_port
from workflows_app.models import AuditEntry, WorkflowRevision

from .conftest import DEFINITION, writes

pytestmark = pytest.mark.django_db

TYPO = DEFINITION.replace("- load_crm", "- load_crn")


def edit_form(client, workflow_id):
    """The fields of the edit page as a browser would send them back."""
    page = client.get(f"/workflows/{workflow_id}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_create_from_a_template_explains_a_broken_definition_then_creates(
    client, owner, sign_in, console_calls
):
    sign_in(client, owner)
    page = client.get("/workflows/new/?start=steps")
    assert "load:" in page.context["form"]["definition"].value()

    broken = client.post("/workflows/new/", {"name": "Nightly scores", "definition": TYPO})
    assert broken.status_code == 400
    text = broken.content.decode()
    assert "Line 8, task extract" in text and "no task called “load_crn”" in text
    assert "Did you mean load_crm?" in text
    assert "Save anyway; it won't run until fixed" in text
    assert writes(console_calls) == []

    made = client.post("/workflows/new/", {"name": "Nightly scores", "definition": DEFINITION})
    assert made.status_code == 302
    assert ("POST", "/workflows") in console_calls
    workflow_id = int(made.url.rstrip("/").rsplit("/", 1)[1])
    created = owner.api.get_workflow(workflow_id)
    assert created.name == "Nightly scores" and created.valid is True
    assert WorkflowRevision.objects.get(workflow_id=workflow_id).kind == "created"
    entry = AuditEntry.objects.get(action="post", object_id=str(workflow_id))
    assert entry.action_words == "Created a workflow"
    assert entry.detail == ""  # the client names no fields for a create


def test_save_anyway_keeps_a_broken_definition_marked_invalid(client, owner, sign_in):
    sign_in(client, owner)
    made = client.post(
        "/workflows/new/", {"name": "Kept broken", "definition": TYPO, "save_anyway": "1"}
    )
    assert made.status_code == 302
    workflow_id = int(made.url.rstrip("/").rsplit("/", 1)[1])
    assert owner.api.get_workflow(workflow_id).valid is False
    page = client.get(made.url)
    assert "won&#x27;t run until fixed" in page.content.decode()


def test_create_from_a_job_chain(client, owner, sign_in, admin_api, console_calls):
    sign_in(client, owner)
    job_id = _a_job_id(owner)
    made = client.post("/workflows/new/", {"name": "From a chain", "from_job_chain": job_id})
    assert made.status_code == 302, made.content
    workflow_id = int(made.url.rstrip("/").rsplit("/", 1)[1])
    assert "civis.run_job" in owner.api.get_workflow(workflow_id).definition
    assert ("POST", "/workflows") in console_calls


def _a_job_id(owner) -> int:
    for summary in owner.api.list_workflows(limit=50).items:
        workflow = owner.api.get_workflow(summary.id)
        if "job_id:" in (workflow.definition or ""):
            for line in workflow.definition.splitlines():
                if "job_id:" in line and line.split("job_id:")[1].strip().isdigit():
                    return int(line.split("job_id:")[1].strip())
    raise AssertionError("no job in the demo seed")


def test_edit_shows_a_plain_summary_then_patches_only_what_changed(
    client, owner, sign_in, fresh_workflow, console_calls
):
    workflow = fresh_workflow()
    sign_in(client, owner)
    fields = edit_form(client, workflow.id)
    chained = DEFINITION.replace("        - load_crm\n", "").replace(
        "    dedupe:\n      action: std.noop\n",
        "    dedupe:\n      action: std.noop\n      on-success:\n        - load_crm\n",
    )
    check = client.post(
        f"/workflows/{workflow.id}/edit/", {**fields, "definition": chained, "step": "check"}
    )
    assert check.status_code == 200
    assert check.context["summary"] == [
        "load_crm now runs after dedupe",
        "load_crm no longer runs after extract",
    ]
    text = check.content.decode()
    assert "See the lines that change" in text and "diff__row--added" in text
    assert writes(console_calls, workflow.id) == []

    saved = client.post(
        f"/workflows/{workflow.id}/edit/", {**fields, "definition": chained, "step": "save"}
    )
    assert saved.status_code == 302
    assert writes(console_calls, workflow.id) == [("PATCH", f"/workflows/{workflow.id}")]
    assert owner.api.get_workflow(workflow.id).definition == chained
    revision = WorkflowRevision.objects.get(workflow_id=workflow.id)
    assert revision.definition_before == DEFINITION
    assert revision.sentences[0] == "load_crm now runs after dedupe"
    entry = AuditEntry.objects.get(action="patch", object_id=str(workflow.id))
    assert entry.detail == "Changed its definition"
    page = client.get(saved.url)
    assert "Saved. load_crm now runs after dedupe" in page.content.decode()


def test_a_save_after_someone_elses_shows_their_change_and_writes_nothing(
    client, owner, sign_in, fresh_workflow, console_calls
):
    workflow = fresh_workflow()
    sign_in(client, owner)
    fields = edit_form(client, workflow.id)
    owner.api.patch_workflow(workflow.id, description="Changed behind your back")
    console_calls.clear()
    mine = {**fields, "name": "My new name", "step": "save"}
    answer = client.post(f"/workflows/{workflow.id}/edit/", mine)
    assert answer.status_code == 409
    text = answer.content.decode()
    assert "Someone changed this workflow while you were editing it" in text
    assert "A description is added" in text and "Renamed from" in text
    assert writes(console_calls, workflow.id) == []
    # Put mine on top: their description stays, my name goes in.
    again = {k: "" if v is None else v for k, v in answer.context["reapply"].initial.items()}
    assert again["description"] == "Changed behind your back" and again["name"] == "My new name"
    check = client.post(f"/workflows/{workflow.id}/edit/", {**again, "step": "check"})
    assert check.context["summary"] == [f"Renamed from “{workflow.name}” to “My new name”"]
    saved = client.post(f"/workflows/{workflow.id}/edit/", {**again, "step": "save"})
    assert saved.status_code == 302
    after = owner.api.get_workflow(workflow.id)
    assert (after.name, after.description) == ("My new name", "Changed behind your back")


def test_restore_an_earlier_revision_replaces_it_with_put(
    client, owner, sign_in, fresh_workflow, console_calls
):
    workflow = fresh_workflow(time_zone="Europe/London")
    sign_in(client, owner)
    fields = edit_form(client, workflow.id)
    changed = DEFINITION + "    publish_scores:\n      action: std.noop\n"
    data = {**fields, "definition": changed, "step": "save"}
    client.post(f"/workflows/{workflow.id}/edit/", data)
    revision = WorkflowRevision.objects.get(workflow_id=workflow.id)
    history = client.get(f"/workflows/{workflow.id}/history/?a=now&b={revision.id}")
    assert history.context["compared"]["summary"] == ["Task publish_scores is removed"]

    check = client.post(f"/workflows/{workflow.id}/history/{revision.id}/restore/")
    assert check.status_code == 200
    assert check.context["summary"] == ["Task publish_scores is removed"]
    assert "Restore this version" in check.content.decode()
    console_calls.clear()
    form = check.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    saved = client.post(f"/workflows/{workflow.id}/edit/", {**data, "step": "save"})
    assert saved.status_code == 302
    assert writes(console_calls, workflow.id) == [("PUT", f"/workflows/{workflow.id}")]
    after = owner.api.get_workflow(workflow.id)
    assert after.definition == DEFINITION and after.time_zone == "Europe/London"
    assert WorkflowRevision.objects.filter(workflow_id=workflow.id, kind="restored").exists()
    assert AuditEntry.objects.get(action="put", object_id=str(workflow.id)).detail.startswith(
        "Replaced its settings as a whole"
    )


def test_broken_yaml_and_a_megabyte_change_nothing(
    client, owner, sign_in, fresh_workflow, console_calls
):
    workflow = fresh_workflow()
    sign_in(client, owner)
    fields = edit_form(client, workflow.id)
    console_calls.clear()
    broken = DEFINITION.replace("    dedupe:\n", "    dedupe: x:\n")
    for step in ("check", "save"):
        answer = client.post(
            f"/workflows/{workflow.id}/edit/", {**fields, "definition": broken, "step": step}
        )
        assert answer.status_code in (200, 400)
        assert "Line 9: the YAML cannot be read here" in answer.content.decode()
    huge = "#" * (1024 * 1024)
    answer = client.post(f"/workflows/{workflow.id}/edit/", {**fields, "definition": huge})
    assert answer.status_code == 400
    assert "This definition is 1,048,576 characters long" in answer.content.decode()
    made = client.post("/workflows/new/", {"name": "Huge", "definition": huge})
    assert made.status_code == 400
    assert "1,048,576 characters long" in made.content.decode()
    assert writes(console_calls) == []
    assert owner.api.get_workflow(workflow.id).definition == DEFINITION


def test_a_view_only_person_sees_no_change_links_and_every_change_url_refuses(
    client, owner, viewer, sign_in, fresh_workflow, console_calls
):
    workflow = fresh_workflow()
    owner.api.put_shares_users(workflow.id, [viewer.person.id], "read")
    sign_in(client, owner)
    client.post(
        f"/workflows/{workflow.id}/edit/",
        {**edit_form(client, workflow.id), "name": "Renamed by owner", "step": "save"},
    )
    revision = WorkflowRevision.objects.get(workflow_id=workflow.id)
    client.logout()
    sign_in(client, viewer)
    console_calls.clear()

    page = client.get(f"/workflows/{workflow.id}/").content.decode()
    assert "Change this workflow" not in page and f"/workflows/{workflow.id}/edit/" not in page
    history = client.get(f"/workflows/{workflow.id}/history/").content.decode()
    assert "Restore the version before this change" not in history

    base = {
        "name": "Viewer's name",
        "description": "",
        "definition": DEFINITION,
        "started_at": "x",
        "base_name": "",
        "base_description": "",
        "base_definition": "",
    }
    answers = [
        client.get(f"/workflows/{workflow.id}/edit/"),
        client.post(f"/workflows/{workflow.id}/edit/", {**base, "step": "check"}),
        client.post(f"/workflows/{workflow.id}/edit/", {**base, "step": "save"}),
        client.post(f"/workflows/{workflow.id}/edit/", {**base, "step": "save_anyway"}),
        client.post(f"/workflows/{workflow.id}/edit/", {**base, "step": "back"}),
        client.post(f"/workflows/{workflow.id}/history/{revision.id}/restore/"),
    ]
    for answer in answers:
        assert answer.status_code == 403
        assert "needs edit access" in answer.content.decode()
        # the one refusal page every change page uses (core/changes.py), not one of editing's own
        assert "core/change_refused.html" in [t.name for t in answer.templates]
    assert writes(console_calls) == []
    assert owner.api.get_workflow(workflow.id).name == "Renamed by owner"


def test_preview_draws_the_posted_definition_without_an_upstream_call(
    client, owner, sign_in, console_calls
):
    sign_in(client, owner)
    console_calls.clear()
    answer = client.post("/workflows/preview/", {"definition": DEFINITION}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "<svg" in answer.content.decode() and "load_crm" in answer.content.decode()
    hostile = DEFINITION.replace("dedupe", "<script>x</script>")
    answer = client.post("/workflows/preview/", {"definition": hostile}, HTTP_HX_REQUEST="true")
    assert "<script>x</script>" not in answer.content.decode()
    assert console_calls == []


def test_a_save_the_platform_does_not_answer_keeps_what_was_written(
    client, owner, sign_in, fresh_workflow, settings
):
    """The platform stops answering between the check page and "Save this change": the edit
    page again with the person's definition, and what happened at the top."""
    workflow = fresh_workflow()
    sign_in(client, owner)
    fields = edit_form(client, workflow.id)
    mine = {**fields, "name": "Kept name", "definition": TYPO, "step": "save_anyway"}
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"  # civis_local unreachable

    answer = client.post(f"/workflows/{workflow.id}/edit/", mine)
    html = answer.content.decode()
    assert answer.status_code == 503
    summary = html.index('class="error-summary"')
    assert "The platform did not answer. Nothing was changed. Try again in a minute." in html
    assert summary < html.index(f'action="/workflows/{workflow.id}/edit/"')
    assert 'value="Kept name"' in html and "load_crn" in html  # what they wrote, kept
    assert "Go to the start" not in html
    assert owner.api.get_workflow(workflow.id).name != "Kept name"
