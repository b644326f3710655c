"""Issue 10, item 9: "Your access" on the workflow list is filled in in the background. A row
whose level the console has not seen says it is being checked; a real worker reads the level
as that person (one read per workflow per interval, the key never in the message); the list
then shows it."""

import json

import pytest

from tests.changing import new_workflow, share
from tests.helpers import wait_for
from workflows_app.access import backfill, levels
from workflows_app.access import tasks as access_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


def test_the_list_asks_a_worker_and_then_shows_the_level(
    client, actor, sign_in, celery_worker, monkeypatch
):
    ada, bruno = actor("aokafor"), actor("blindqvist")
    workflow = new_workflow(ada, label="Access backfill")
    share(ada, workflow, bruno, "read")
    sign_in(client, bruno)
    sent = []
    delay = access_tasks.fill_levels.delay
    monkeypatch.setattr(
        access_tasks.fill_levels, "delay", lambda *args: sent.append(args) or delay(*args)
    )

    page = f"/workflows/?q={workflow.name}"
    first = row_of(client.get(page).content.decode(), workflow.name)
    assert "being checked…" in first and "can view" not in first
    # A second load within the interval asks for nothing more (being checked or, with a quick
    # worker, already known).
    client.get(page)
    asked = [ids for _, _, ids in sent if workflow.id in ids]
    assert len(asked) == 1
    assert "aokafor" not in json.dumps(sent) and bruno.key not in json.dumps(sent)

    wait_for(
        lambda: levels.recall_many(bruno.person.id, [workflow.id]),
        lambda known: known.get(workflow.id) == "read",
        seconds=60,
    )
    shown = row_of(client.get(page).content.decode(), workflow.name)
    assert "can view" in shown and "being checked" not in shown


def test_one_read_per_workflow_per_interval(monkeypatch, settings):
    queued = []
    monkeypatch.setattr(access_tasks.fill_levels, "delay", lambda *args: queued.append(args))
    monkeypatch.setattr(backfill.transaction, "on_commit", lambda do: do())
    person = 987_654_321
    assert backfill.ask(person, 7, [1, 2, 2]) == {1, 2}
    assert backfill.ask(person, 7, [2, 3]) == {2, 3}
    assert queued == [(person, 7, [1, 2]), (person, 7, [3])]
    assert backfill.ask(person, None, [4]) == set()  # no session to read as: nothing queued
    assert len(queued) == 2


def test_a_message_naming_someone_else_than_the_sessions_person_reads_nothing(
    client, actor, sign_in
):
    """Levels are noted only for the person the SessionKey row acts as: a message pairing
    one person's id with another's session (never sent by the console) is refused."""
    from workflows_app.models import SessionKey

    ada, bruno = actor("aokafor"), actor("blindqvist")
    workflow = new_workflow(ada, label="Access backfill pairing")
    sign_in(client, bruno)
    bruno_row = SessionKey.objects.get(session_key=client.session.session_key)
    assert access_tasks.fill_levels(ada.person.id, bruno_row.id, [workflow.id]) == 0
    assert levels.recall_many(ada.person.id, [workflow.id]) == {}
    assert access_tasks.fill_levels(bruno.person.id, bruno_row.id, [workflow.id]) == 1
