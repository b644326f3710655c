"""What the API reads out of a workflow's YAML definition: validity (with the official client's
validator, so `valid` / `validationErrors` are real) and the objects it depends on."""

import re
from functools import lru_cache

import yaml
from civis.workflows import WorkflowValidationError, validate_workflow_yaml

from civis_local.engine import semantic_errors

_OBJECT_IDS = re.compile(r"\b(job_id|workflow_id):[ \t]*\d+")


def validate(definition: str) -> tuple[bool, str | None]:
    """The validator re-checks its JSON schema on every call (a third of a second), and its
    verdict cannot depend on which integer ids a definition names: validate once per shape."""
    return _validate_shape(_OBJECT_IDS.sub(r"\1: 1", definition or ""))


@lru_cache(maxsize=512)
def _validate_shape(definition: str) -> tuple[bool, str | None]:
    if not definition:
        return False, "The workflow definition is empty."
    try:
        validate_workflow_yaml(definition)
    except WorkflowValidationError as exc:
        return False, str(exc).split("\n\n")[0]
    except yaml.YAMLError as exc:
        return False, f"The definition is not valid YAML: {exc}"
    except (TypeError, AttributeError, KeyError) as exc:
        return False, f"The definition is not a workflow: {exc}"
    # The checks Mistral makes on top of the schema: a start task, joins that can be reached.
    problem = semantic_errors(definition)
    if problem:
        return False, problem
    return True, None


def tasks_of(definition: str) -> dict:
    try:
        parsed = yaml.safe_load(definition)
    except yaml.YAMLError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    for key, body in parsed.items():
        if key != "version" and isinstance(body, dict):
            tasks = body.get("tasks")
            return tasks if isinstance(tasks, dict) else {}
    return {}


@lru_cache(maxsize=1024)
def referenced_ids(definition: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(job ids of civis.run_job tasks, workflow ids of civis.workflows.execute tasks).
    Parsing YAML is most of a transfer's work; many workflows share a definition."""
    jobs, workflows = [], []
    for task in tasks_of(definition).values():
        if not isinstance(task, dict):
            continue
        task_input = task.get("input") if isinstance(task.get("input"), dict) else {}
        if task.get("action") == "civis.run_job" and isinstance(task_input.get("job_id"), int):
            jobs.append(task_input["job_id"])
        if task.get("action") == "civis.workflows.execute" and isinstance(
            task_input.get("workflow_id"), int
        ):
            workflows.append(task_input["workflow_id"])
    return tuple(sorted(set(jobs))), tuple(sorted(set(workflows)))


def from_job_chain(job_id: int, job_name: str) -> str:
    """The definition the platform generates for `from_job_chain` (one run_job task)."""
    task = f"{job_name.lower().replace(' ', '_')}_{job_id}"
    return (
        "---\nversion: '2.0'\nworkflow:\n  type: direct\n  tasks:\n"
        f"    {task}:\n      action: civis.run_job\n      input:\n        job_id: {job_id}\n"
    )
