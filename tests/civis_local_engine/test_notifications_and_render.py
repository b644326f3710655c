"""Notification events for the outbox, the Civis state words, and rendering into the
response shapes of openapi-subset.json."""

import json
from pathlib import Path

import jsonschema
import pytest

from civis_local import engine

from .helpers import at, host, iso_at, job, start, workflow

SPEC = Path(__file__).resolve().parents[2] / "civis_local" / "api" / "openapi-subset.json"
SETTINGS = {
    "urls": ["https://hooks.example.org/done"],
    "successEmailSubject": "All good",
    "successEmailBody": "Loaded.",
    "successEmailAddresses": ["ana@example.org"],
    "failureEmailAddresses": ["ops@example.org"],
    "stallWarningMinutes": 30,
    "successOn": True,
    "failureOn": True,
}


def notified_host(outcome, seconds=60, settings=SETTINGS):
    h = host(work=job(seconds, outcome))
    h.notifications = {5: dict(settings)}
    return h


ONE = workflow("work:\n  action: civis.scripts.python3\n")


def test_success_sends_the_success_email_and_posts_to_urls():
    h = notified_host("succeed")
    state, _ = start(ONE, h, workflow_id=5)
    engine.advance(state, at(60), h)
    email, hook = h.outbox
    assert email == {
        "kind": "email",
        "reason": "success",
        "at": iso_at(60),
        "executionId": state["id"],
        "workflowId": 5,
        "state": "succeeded",
        "to": ["ana@example.org"],
        "subject": "All good",
        "body": "Loaded.",
    }
    assert hook["kind"] == "webhook"
    assert hook["url"] == "https://hooks.example.org/done"


def test_failure_sends_the_failure_email_only_when_failure_on():
    h = notified_host("fail")
    state, _ = start(ONE, h, workflow_id=5)
    engine.advance(state, at(60), h)
    assert [(e["kind"], e["reason"]) for e in h.outbox] == [
        ("email", "failure"),
        ("webhook", "failure"),
    ]
    assert h.outbox[0]["to"] == ["ops@example.org"]
    quiet = notified_host("fail", settings={**SETTINGS, "failureOn": False, "urls": []})
    state, _ = start(ONE, quiet, workflow_id=5)
    engine.advance(state, at(60), quiet)
    assert quiet.outbox == []


def test_stall_warning_once_after_the_stall_minutes():
    h = notified_host("succeed", seconds=3 * 3600)
    state, _ = start(ONE, h, workflow_id=5)
    engine.advance(state, at(29 * 60), h)
    assert h.outbox == []
    engine.advance(state, at(2 * 3600), h)
    assert [(e["reason"], e["at"]) for e in h.outbox] == [("stall", iso_at(30 * 60))]


def test_no_settings_no_events():
    h = host(work=job(10))
    state, _ = start(ONE, h, workflow_id=5)
    engine.advance(state, at(10), h)
    assert h.outbox == []


@pytest.mark.parametrize(
    ("mistral", "civis"),
    [
        ("running", "running"),
        ("paused", "running"),
        ("success", "succeeded"),
        ("error", "failed"),
        ("cancelled", "cancelled"),
        (None, "queued"),
    ],
)
def test_civis_state_words(mistral, civis):
    assert engine.civis_state(mistral) == civis


def test_workflow_state():
    assert engine.workflow_state(["succeeded", "running"], scheduled=False) == "running"
    assert engine.workflow_state(["failed", "succeeded"], scheduled=True) == "failed"
    assert engine.workflow_state([], scheduled=True) == "scheduled"
    assert engine.workflow_state([], scheduled=False) == "idle"


def nullable(schema):
    """The recorded responses carry nulls where the spec says string: allow them."""
    if isinstance(schema, dict):
        schema = {key: nullable(value) for key, value in schema.items()}
        if "properties" in schema:
            schema["properties"] = {
                name: {"anyOf": [prop, {"type": "null"}]}
                for name, prop in schema["properties"].items()
            }
        return schema
    if isinstance(schema, list):
        return [nullable(item) for item in schema]
    return schema


def validate(instance, definition):
    definitions = nullable(json.loads(SPEC.read_text())["definitions"])
    schema = {"$ref": f"#/definitions/{definition}", "definitions": definitions}
    jsonschema.validate(instance, schema)


def rendered_execution():
    h = host(work=job(60, "fail"))
    h.workflows = {9: workflow("inner:\n  action: std.noop\n")}
    definition = workflow(
        """
        work:
          action: civis.scripts.python3
          retry: {count: 1, delay: 5}
        call:
          action: civis.workflows.execute
          input: {workflow_id: 9}
        """
    )
    state, _ = start(definition, h)
    engine.advance(state, at(61), h)
    user = {"id": 1, "name": "Ana", "username": "ana", "initials": "A", "online": None}
    return state, h, user


def test_rendered_execution_matches_the_workflow_execution_shape():
    state, _, user = rendered_execution()
    rendered = engine.render_execution(state, user=user)
    validate(rendered, "WorkflowExecution")
    validate(engine.render_execution_summary(state, user=user), "WorkflowExecutionSummary")
    work = rendered["tasks"][0]
    assert work["mistralState"] == "delayed"
    assert [run["id"] for run in work["runs"]] == sorted(
        (run["id"] for run in work["runs"]), reverse=True
    )
    call = rendered["tasks"][1]
    validate(call, "WorkflowTaskDetail")
    assert call["executions"][0]["state"] == "succeeded"
    assert set(rendered) >= {"definition", "input", "includedTasks", "tasks", "user"}


def test_render_run_applies_the_planned_end_once_the_clock_passes_it():
    h = host(work=job(60))
    state, _ = start(ONE, h)
    [run] = h.runs.values()
    assert engine.render_run(run, at(59))["state"] == "running"
    shown = engine.render_run(run, at(60), permission="read")
    assert shown["state"] == "succeeded"
    assert shown["finishedAt"] == iso_at(60)
    assert shown["myPermissionLevel"] == "read"
    validate(shown, "WorkflowRunDetail")
