"""What the typed results make of awkward answers: the choices the hand-written parser made
(nulls, stray types, naive times, nested shapes) kept by the pydantic models, and building
them in Python as before (keywords or positions, frozen, picklable)."""

import pickle
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from workflows_app.civis import types as t


def test_stray_types_are_read_as_the_old_parser_read_them():
    workflow = t.WorkflowSummary.from_json(
        {
            "id": "7", "fileId": 12, "valid": "false", "hidden": 1, "archived": None,
            "user": {"name": "no id"}, "timeZone": 5, "allowConcurrentExecutions": "yes",
            "createdAt": "2026-04-20T07:00:00", "updatedAt": "garbage", "nextExecutionAt": 12345,
            "schedule": {"scheduled": "TRUE", "scheduledDays": [1, "2", None, True, 3.0],
                         "scheduledHours": None, "scheduledRunsPerHour": "4",
                         "scheduledDaysOfMonth": "x"},
        }
    )  # fmt: skip

    assert workflow.id == 7 and workflow.file_id == "12" and workflow.time_zone == "5"
    assert workflow.valid is False and workflow.hidden is True and workflow.archived is False
    assert workflow.allow_concurrent_executions is False  # only "true" is true in text
    assert workflow.owner is None  # an owner without an id is no owner
    assert workflow.created_at == datetime(2026, 4, 20, 7, tzinfo=UTC)  # naive is UTC
    assert workflow.updated_at is None and workflow.next_execution_at is None
    assert workflow.schedule == t.Schedule(scheduled=True, days=(1, 3), runs_per_hour=4)


def test_numbers_and_flags_that_are_not_quite():
    person = t.Person.from_json(
        {"id": 1, "user": "bob", "primaryGroupId": 3.7, "online": "True ", "active": 0,
         "groups": [{"id": 2, "name": None}, "junk", None]}
    )  # fmt: skip

    assert person.username == "bob" and person.label == " (bob)"
    assert person.primary_group_id == 3 and person.online is True and person.active is False
    assert person.groups == (t.GroupRef(id=2, name=""),)
    run = t.TaskRun.from_json({"id": 1, "jobId": True})
    assert run.job_id is None


def test_nested_nulls_become_empty_parts():
    workflow = t.Workflow.from_json({"id": 2, "notifications": None, "schedule": [1]})
    assert workflow.notifications == t.Notifications() and workflow.schedule == t.Schedule()
    execution = t.Execution.from_json(
        {"id": 9, "input": None, "includedTasks": None, "workflowId": 99,
         "tasks": [{"name": None, "runs": "nope", "executions": [None, {"id": 2}]}]},
        workflow_id=4,
    )  # fmt: skip
    assert execution.workflow_id == 4 and execution.input == {} and execution.included_tasks == ()
    assert execution.tasks[0].name == "" and execution.tasks[0].runs == ()
    assert execution.tasks[0].executions == (t.ChildExecution(id=2),)


def test_git_repo_is_read_from_its_nested_object():
    git = t.GitMetadata.from_json({"gitRef": "main", "gitRepo": {"id": 3, "repoUrl": "https://r"}})
    assert (git.git_repo_id, git.git_repo_url, git.attached) == (3, "https://r", True)
    assert not t.GitMetadata.from_json({"gitRepo": None}).attached


@pytest.mark.parametrize("data", [{"name": "no id"}, {"id": None}, {"id": "x"}])
def test_a_missing_or_broken_id_is_a_value_error(data):
    with pytest.raises(ValueError):
        t.WorkflowSummary.from_json(data)


def test_built_in_python_as_before():
    pat = t.Person(1, "Pat")
    workflow = t.Workflow(7, "Nightly", owner=pat, my_permission_level="manage")

    assert workflow.owner is pat and workflow.can_manage and workflow.name == "Nightly"
    assert t.Task("load", "error").mistral_state == "error"
    assert t.Grantee(1, "Pat", "manage") == t.Grantee(id=1, name="Pat", level="manage")
    assert pickle.loads(pickle.dumps(workflow)) == workflow and hash(pat) == hash(
        t.Person(1, "Pat")
    )
    with pytest.raises(ValidationError):
        pat.name = "Sam"  # frozen
    with pytest.raises(TypeError):
        t.Person(1, "Pat", name="Sam")


def test_schedule_and_notifications_dump_to_their_request_form():
    schedule = t.Schedule.from_json(
        {"scheduled": True, "scheduledDays": [1], "scheduledHours": [6]}
    )

    assert (
        schedule.to_request()
        == schedule.model_dump(by_alias=True, mode="json")
        == {
            "scheduled": True,
            "scheduled_days": [1],
            "scheduled_hours": [6],
            "scheduled_minutes": [],
            "scheduled_runs_per_hour": None,
            "scheduled_days_of_month": [],
        }
    )
    assert t.Notifications(success_on=True).to_request()["success_on"] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-17T18:37:30.000Z", datetime(2026, 4, 17, 18, 37, 30, tzinfo=UTC)),
        ("2026-04-17T20:37:30+02:00", datetime(2026, 4, 17, 18, 37, 30, tzinfo=UTC)),
        ("2026-04-17T18:37:30", datetime(2026, 4, 17, 18, 37, 30, tzinfo=UTC)),  # naive: UTC
        ("2026-04-17", datetime(2026, 4, 17, tzinfo=UTC)),
        ("1700000000", None),  # not ISO 8601
        ("", None),
        (1700000000, None),
        ("soon", None),
    ],
)
def test_times_are_aware_or_none(text, expected):
    run = t.TaskRun.from_json({"id": 1, "startedAt": text})
    assert run.started_at == expected
    assert run.started_at is None or run.started_at.tzinfo is not None
