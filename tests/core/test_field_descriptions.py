"""Issue 10, item 8: every field with a hint or an error on the pages that change a workflow
is described by them. The ids its input's (or its fieldset's) aria-describedby names exist and
hold the hint and every error, so a screen reader reads them with the field. Pages rendered
over a live civis_local through the test client, the HTML walked as a browser builds it."""

from html.parser import HTMLParser

import pytest

from tests.changing import new_workflow

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Elements(HTMLParser):
    """Each element with an id: its tag, attributes and text (its descendants' included)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, dict] = {}
        self.duplicates: list[str] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": []}
        if (id_ := element["attrs"].get("id")) is not None:
            if id_ in self.by_id:
                self.duplicates.append(id_)
            self.by_id[id_] = element
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"].append(data)

    def text(self, id_: str) -> str:
        return " ".join("".join(self.by_id[id_]["text"]).split())


def described(html: str, forms: list) -> list[tuple[str, str]]:
    """(field, what is wrong) for every field of `forms` whose hint or errors are not what
    its aria-describedby names; checked on at least one field with a hint."""
    page = Elements(html)
    assert page.duplicates == []
    problems, checked = [], 0
    for form in forms:
        for field in form:
            wanted = [str(field.help_text)] if field.help_text else []
            wanted += [str(error) for error in field.errors]
            if not wanted or field.is_hidden:
                continue
            checked += 1
            control = page.by_id.get(field.auto_id)
            if control is None:
                problems.append((field.name, "no element carries the field's id"))
                continue
            names = control["attrs"].get("aria-describedby", "").split()
            missing = [name for name in names if name not in page.by_id]
            if missing:
                problems.append((field.name, f"names {missing}, which are not on the page"))
                continue
            said = " ".join(page.text(name) for name in names)
            for text in wanted:
                if " ".join(text.split()) not in said:
                    problems.append((field.name, f"{text!r} is not in {said!r}"))
    assert checked, "no field with a hint or an error was checked"
    return problems


@pytest.fixture
def ada(actor, sign_in, client):
    ada = actor("aokafor")
    sign_in(client, ada)
    return ada


def test_the_schedule_page_describes_its_fields_with_their_hints_and_errors(ada, client):
    workflow = new_workflow(ada)
    page = f"/workflows/{workflow.id}/schedule/"
    shown = client.get(page)
    assert described(shown.content.decode(), [shown.context["form"]]) == []
    wrong = {"pattern": "hourly-ish", "days": ["9"], "days_of_month": "32", "times": "25:00",
             "time_zone": "Atlantis", "preview_from": "soon", "action": "preview"}  # fmt: skip
    refused = client.post(page, wrong)
    form = refused.context["form"]
    assert {"pattern", "days", "time_zone", "preview_from"} <= set(form.errors)
    assert described(refused.content.decode(), [form]) == []


def test_the_git_copy_and_notification_pages_describe_their_fields(ada, client):
    workflow = new_workflow(ada)
    git = client.get(f"/workflows/{workflow.id}/git/")
    forms = [git.context[name] for name in ("link_form", "commit_form") if git.context.get(name)]
    assert described(git.content.decode(), forms) == []
    link = {"git_repo_url": "", "git_branch": "", "git_ref_type": "neither", "git_path": ""}
    refused = client.post(f"/workflows/{workflow.id}/git/link/", link)
    assert refused.status_code == 400
    assert "git_ref_type" in refused.context["link_form"].errors
    assert described(refused.content.decode(), [refused.context["link_form"]]) == []

    copy = client.get(f"/workflows/{workflow.id}/copy/")
    assert described(copy.content.decode(), [copy.context["form"]]) == []
    refused = client.post(f"/workflows/{workflow.id}/copy/", {"name": ""})
    assert refused.context["form"].errors
    assert described(refused.content.decode(), [refused.context["form"]]) == []

    emails = client.get(f"/workflows/{workflow.id}/notifications/")
    assert described(emails.content.decode(), [emails.context["form"]]) == []


def test_the_create_and_edit_pages_describe_their_fields(ada, client):
    create = client.get("/workflows/new/?start=steps")
    assert described(create.content.decode(), [create.context["form"]]) == []
    huge = "#" * (1024 * 1024)
    refused = client.post("/workflows/new/", {"name": "", "definition": huge})
    assert refused.status_code == 400
    assert {"name", "definition"} <= set(refused.context["form"].errors)
    assert described(refused.content.decode(), [refused.context["form"]]) == []

    workflow = new_workflow(ada)
    edit = client.get(f"/workflows/{workflow.id}/edit/")
    assert described(edit.content.decode(), [edit.context["form"]]) == []
