"""Typed results of the Civis API, parsed once from its camelCase JSON by pydantic models.

Every type reads the API's camelCase names (`createdAt` → `created_at`) and still takes its own
snake_case names when built in Python. Each has `from_json`, which tolerates nulls where the spec
promises values (the platform sends many) and wrong-but-harmless types (`"archived": "true"`, a
numeric `fileId`), ignores fields it does not know, and turns timestamps into aware datetimes.
Pages and templates only ever see these objects, never raw dicts. The objects are frozen.

The API answers in camelCase but takes request bodies in snake_case (as the official client
sends them), so the models read camelCase aliases and dump (`model_dump(by_alias=True)`) in
snake_case: the request bodies in `bodies.py` nest `Schedule` and `Notifications` that way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import (
    AliasChoices,
    AliasGenerator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetPydanticSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import core_schema as cs

PERMISSION_LEVELS = ("read", "write", "manage")

Json = Mapping[str, Any]


# -- lenient readers: null and wrong-but-harmless types become what the fields promise ---------


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _name(value: Any) -> str:
    return _text(value) or ""


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _switch(value: Any) -> bool:
    return bool(_flag(value))


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime from the API's ISO 8601 text (`2026-04-17T18:37:30.000Z`)."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _moment(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else parse_datetime(value)


def _numbers(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(int(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool))


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v) for v in value if v is not None)


def _objects(value: Any) -> list[Any]:
    """The objects of a list (dicts from the API, models from Python); anything else dropped."""
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, dict | BaseModel)]


def _object(value: Any) -> Any:
    """A nested object with defaults of its own (`Schedule`, `Notifications`): null is empty."""
    return value if isinstance(value, dict | BaseModel) else {}


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _someone(value: Any) -> Any:
    """A person, or None when the API sends null, a non-object or one without an id."""
    if isinstance(value, BaseModel):
        return value
    return value if isinstance(value, dict) and value.get("id") is not None else None


def _lenient(rule: Callable[[Any], Any], fast: cs.CoreSchema | None = None) -> Any:
    """What pydantic-core takes as it is (`fast`, else the field type's own schema) is checked
    without Python; anything else goes through `rule`, the lenient reading above, and then
    through the field type's schema. Fast for well-formed answers, forgiving for the rest."""

    def build(source: Any, handler: GetCoreSchemaHandler) -> cs.CoreSchema:
        lenient = cs.chain_schema([cs.no_info_plain_validator_function(rule), handler(source)])
        return cs.union_schema([fast or handler(source), lenient], mode="left_to_right")

    return GetPydanticSchema(build)


_STRICT_BOOL = cs.nullable_schema(cs.bool_schema(strict=True))
_STRICT_INT = cs.nullable_schema(cs.int_schema(strict=True))

Text = Annotated[str | None, _lenient(_text)]
Name = Annotated[str, _lenient(_name)]
Count = Annotated[int | None, _lenient(_count, _STRICT_INT)]
Flag = Annotated[bool | None, _lenient(_flag, _STRICT_BOOL)]
Switch = Annotated[bool, _lenient(_switch, cs.bool_schema(strict=True))]
# ISO 8601 text with a zone is parsed by pydantic-core; naive or odd text, and anything not
# text, by `_moment` (naive times are UTC, what is not a time is None).
_AWARE_TEXT = cs.chain_schema(
    [
        cs.str_schema(strict=True, pattern=r"^\d{4}-\d{2}-\d{2}[T ]"),  # not epoch seconds
        cs.datetime_schema(tz_constraint="aware"),
    ]
)
_FAST_MOMENT = cs.union_schema([cs.none_schema(), cs.datetime_schema(strict=True), _AWARE_TEXT])
Moment = Annotated[datetime | None, _lenient(_moment, _FAST_MOMENT)]
Numbers = Annotated[
    tuple[int, ...], _lenient(_numbers, cs.tuple_variable_schema(cs.int_schema(strict=True)))
]
Texts = Annotated[
    tuple[str, ...], _lenient(_texts, cs.tuple_variable_schema(cs.str_schema(strict=True)))
]
Inputs = Annotated[Mapping[str, Any], _lenient(_mapping)]


def _wire(camel: str, snake: str, default: Any = ()) -> Any:
    """A field named `camel` in answers and `snake` in request bodies (not its own name)."""
    return Field(default=default, validation_alias=camel, serialization_alias=snake)


class ApiModel(BaseModel):
    """Frozen, reads camelCase (or its own snake_case names), ignores unknown fields.

    Like the dataclasses these replaced, a model can be built with positional arguments in
    field order (`Person(1, "Pat")`)."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel),
        populate_by_name=True,
        frozen=True,
        extra="ignore",
    )

    def __init__(self, /, *args: Any, **data: Any) -> None:
        if args:
            names = tuple(type(self).model_fields)
            if len(args) > len(names):
                raise TypeError(f"{type(self).__name__} takes at most {len(names)} arguments")
            for name, value in zip(names, args, strict=False):
                if name in data:
                    raise TypeError(f"{type(self).__name__} got two values for {name!r}")
                data[name] = value
        super().__init__(**data)

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """The typed object from the API's JSON; a wrong shape raises a `ValueError`."""
        return cls.model_validate(data)


# -- people, groups, projects ------------------------------------------------------------------


class GroupRef(ApiModel):
    """A group as listed on a person (`UserGroup`)."""

    id: int
    name: Name = ""
    slug: Text = None
    organization_id: Count = None
    organization_name: Text = None


class Person(ApiModel):
    """A Civis user, from any of the user shapes (`/users/me`, `/users/{id}`, owners, members).

    `username` comes from `username` or, in user lists and details (which have no `username`),
    from `user`.
    """

    id: int
    name: Name = ""
    username: Text = Field(default=None, validation_alias=AliasChoices("username", "user"))
    initials: Text = None
    email: Text = None
    online: Flag = None
    active: Flag = None
    primary_group_id: Count = None
    groups: Annotated[tuple[GroupRef, ...], _lenient(_objects)] = ()
    time_zone: Text = None
    organization_name: Text = None
    my_permission_level: Text = None

    @property
    def label(self) -> str:
        """What a picker shows: the name, and the username when there is one."""
        return f"{self.name} ({self.username})" if self.username else self.name


User = Person

Someone = Annotated[Person | None, _lenient(_someone)]
People = Annotated[tuple[Person, ...], _lenient(_objects)]


class Group(ApiModel):
    """A Civis group; `members` is filled by `GET /groups/{id}` (and lists with members)."""

    id: int
    name: Name = ""
    description: Text = None
    slug: Text = None
    organization_id: Count = None
    organization_name: Text = None
    member_count: Count = None
    total_member_count: Count = None
    members: People = ()
    created_at: Moment = None
    updated_at: Moment = None


class Project(ApiModel):
    """A project (`ProjectsProjectSummary`, or the detail's common fields)."""

    id: int
    name: Name = ""
    description: Text = None
    author: Someone = None
    users: People = ()
    auto_share: Flag = None
    archived: Flag = None
    hidden: Flag = None
    my_permission_level: Text = None
    created_at: Moment = None
    updated_at: Moment = None


# -- workflows ---------------------------------------------------------------------------------


class Schedule(ApiModel):
    """When a workflow runs (`JobSchedule`). Days count from 0 = Sunday.

    Dumped by alias, it is the snake_case body the API takes back (`scheduled_days`, ...)."""

    scheduled: Switch = False
    days: Numbers = _wire("scheduledDays", "scheduled_days")
    hours: Numbers = _wire("scheduledHours", "scheduled_hours")
    minutes: Numbers = _wire("scheduledMinutes", "scheduled_minutes")
    runs_per_hour: Count = _wire("scheduledRunsPerHour", "scheduled_runs_per_hour", None)
    days_of_month: Numbers = _wire("scheduledDaysOfMonth", "scheduled_days_of_month")

    @classmethod
    def from_json(cls, data: Json | None) -> Schedule:
        return cls.model_validate(data or {})

    def to_request(self) -> dict[str, Any]:
        """The snake_case body the API takes back (for `put_workflow` / `patch_workflow`)."""
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_request(cls, data: Mapping[str, Any]) -> Schedule:
        """A schedule read back from the body `to_request` made (the audit log says it)."""
        names = {f.serialization_alias or n: n for n, f in cls.model_fields.items()}
        return cls.model_validate({names.get(key, key): value for key, value in data.items()})


class Notifications(ApiModel):
    """Who hears about a workflow's executions (`WorkflowNotifications`).

    Dumped by alias, it is the snake_case body the API takes back."""

    urls: Texts = ()
    success_email_subject: Text = None
    success_email_body: Text = None
    success_email_addresses: Texts = ()
    failure_email_addresses: Texts = ()
    stall_warning_minutes: Count = None
    success_on: Flag = None
    failure_on: Flag = None

    @classmethod
    def from_json(cls, data: Json | None) -> Notifications:
        return cls.model_validate(data or {})

    def to_request(self) -> dict[str, Any]:
        """The snake_case body the API takes back."""
        return self.model_dump(mode="json", by_alias=True)


ScheduleField = Annotated[Schedule, _lenient(_object)]
NotificationsField = Annotated[Notifications, _lenient(_object)]


class WorkflowSummary(ApiModel):
    """A row of `GET /workflows` (`WorkflowSummary`). The owner is the API's `user`."""

    id: int
    name: Name = ""
    description: Text = None
    valid: Flag = None
    file_id: Text = None
    owner: Someone = Field(default=None, validation_alias="user")
    state: Text = None
    schedule: ScheduleField = Field(default_factory=Schedule)
    allow_concurrent_executions: Flag = None
    time_zone: Text = None
    next_execution_at: Moment = None
    archived: Switch = False
    hidden: Flag = None
    my_permission_level: Text = None
    created_at: Moment = None
    updated_at: Moment = None


class Workflow(ApiModel):
    """One workflow in full (`Workflow`): definition, notifications and the caller's level."""

    id: int
    name: Name = ""
    description: Text = None
    definition: Text = None
    valid: Flag = None
    validation_errors: Text = None
    file_id: Text = None
    owner: Someone = Field(default=None, validation_alias="user")
    state: Text = None
    last_execution_id: Count = None
    schedule: ScheduleField = Field(default_factory=Schedule)
    allow_concurrent_executions: Flag = None
    time_zone: Text = None
    next_execution_at: Moment = None
    notifications: NotificationsField = Field(default_factory=Notifications)
    archived: Switch = False
    hidden: Flag = None
    my_permission_level: Text = None
    created_at: Moment = None
    updated_at: Moment = None

    @property
    def can_write(self) -> bool:
        return self.my_permission_level in ("write", "manage")

    @property
    def can_manage(self) -> bool:
        return self.my_permission_level == "manage"


# -- executions, tasks, runs -------------------------------------------------------------------


class TaskRun(ApiModel):
    """A run of a job started by a task (`WorkflowRunDetail`)."""

    id: int
    job_id: Count = None
    my_permission_level: Text = None
    state: Text = None
    created_at: Moment = None
    started_at: Moment = None
    finished_at: Moment = None


class ChildExecution(ApiModel):
    """An execution of another workflow started by a task (`WorkflowChildExecutionDetail`)."""

    id: int
    workflow_id: Count = None
    my_permission_level: Text = None
    state: Text = None
    created_at: Moment = None
    started_at: Moment = None
    finished_at: Moment = None


class Task(ApiModel):
    """A task of an execution (`WorkflowTask`); runs and child executions newest first."""

    name: Name = ""
    mistral_state: Text = None
    mistral_state_info: Text = None
    runs: Annotated[tuple[TaskRun, ...], _lenient(_objects)] = ()
    executions: Annotated[tuple[ChildExecution, ...], _lenient(_objects)] = ()


TERMINAL_EXECUTION_STATES = frozenset({"succeeded", "failed", "cancelled"})


def _of_workflow(data: Any, workflow_id: int | None) -> Any:
    """An execution's JSON with the workflow it belongs to (the API does not say; the path
    it was asked on does)."""
    return {**data, "workflowId": workflow_id}


class ExecutionSummary(ApiModel):
    """A row of `GET /workflows/{id}/executions`. `workflow_id` is filled in by the client."""

    id: int
    workflow_id: Count = None
    state: Text = None
    mistral_state: Text = None
    mistral_state_info: Text = None
    user: Someone = None
    started_at: Moment = None
    finished_at: Moment = None
    created_at: Moment = None
    updated_at: Moment = None

    @classmethod
    def from_json(cls, data: Json, workflow_id: int | None = None) -> ExecutionSummary:
        return cls.model_validate(_of_workflow(data, workflow_id))

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_EXECUTION_STATES


class Execution(ApiModel):
    """One execution in full (`WorkflowExecution`). `workflow_id` is filled in by the client."""

    id: int
    workflow_id: Count = None
    state: Text = None
    mistral_state: Text = None
    mistral_state_info: Text = None
    user: Someone = None
    definition: Text = None
    input: Inputs = Field(default_factory=dict)
    included_tasks: Texts = ()
    tasks: Annotated[tuple[Task, ...], _lenient(_objects)] = ()
    started_at: Moment = None
    finished_at: Moment = None
    created_at: Moment = None
    updated_at: Moment = None

    @classmethod
    def from_json(cls, data: Json, workflow_id: int | None = None) -> Execution:
        return cls.model_validate(_of_workflow(data, workflow_id))

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_EXECUTION_STATES


# -- sharing, dependencies ---------------------------------------------------------------------


class Grantee(ApiModel):
    """A user or group a workflow is shared with, at its highest level."""

    id: int
    name: str
    level: str


_SHARE_LEVELS = (("read", "readers"), ("write", "writers"), ("manage", "owners"))


class Share(ApiModel):
    """Who a workflow is shared with (`ShareIndex`), flattened to one level per grantee."""

    users: tuple[Grantee, ...] = ()
    groups: tuple[Grantee, ...] = ()
    total_user_shares: Count = None
    total_group_shares: Count = None

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        """`readers`/`writers`/`owners`, each with `users` and `groups`, become one grantee per
        user or group at the highest level it holds."""
        if not isinstance(data, dict) or not any(key in data for _, key in _SHARE_LEVELS):
            return data
        users: dict[int, Grantee] = {}
        groups: dict[int, Grantee] = {}
        for level, key in _SHARE_LEVELS:
            bucket = data.get(key)
            if not isinstance(bucket, dict):
                continue
            for kind, found in (("users", users), ("groups", groups)):
                for item in _objects(bucket.get(kind)):
                    # Levels are visited lowest first, so a later one is the higher one.
                    grantee_id = int(item["id"])
                    found[grantee_id] = Grantee(
                        id=grantee_id, name=_name(item.get("name")), level=level
                    )
        return {
            "users": tuple(users.values()),
            "groups": tuple(groups.values()),
            "total_user_shares": data.get("totalUserShares"),
            "total_group_shares": data.get("totalGroupShares"),
        }

    def level_of_user(self, user_id: int) -> str | None:
        return next((g.level for g in self.users if g.id == user_id), None)

    def level_of_group(self, group_id: int) -> str | None:
        return next((g.level for g in self.groups if g.id == group_id), None)


class Dependency(ApiModel):
    """An object a workflow depends on (`ShareDependenciesSummary` / `ShareTransferDependencies`).

    `shareable` comes from the dependencies list, `shared` from a transfer's answer.
    """

    id: int
    object_type: Text = None
    fco_type: Text = None
    name: Text = None
    permission_level: Text = None
    description: Text = None
    shareable: Flag = None
    shared: Flag = None


class TransferResult(ApiModel):
    """The answer of a transfer (`ShareTransfer`): the dependencies the new owner lacked."""

    dependencies: Annotated[tuple[Dependency, ...], BeforeValidator(lambda v: v or ())] = ()


# -- git ---------------------------------------------------------------------------------------


# A commit as people quote it: git's short form (7) up to a full SHA-256 (64).
_COMMIT_SHA = re.compile(r"[0-9a-fA-F]{7,64}")


class GitMetadata(ApiModel):
    """The git file a workflow is attached to (`GitFile`); the repo's id and URL come from its
    nested `gitRepo`."""

    git_ref: Text = None
    git_branch: Text = None
    git_path: Text = None
    git_repo_id: Count = None
    git_repo_url: Text = None
    git_ref_type: Text = None
    pull_from_git: Flag = None

    @model_validator(mode="before")
    @classmethod
    def _repo(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "git_repo_id" in data or "git_repo_url" in data:
            return data
        repo = data.get("gitRepo")
        repo = repo if isinstance(repo, dict) else {}
        return {**data, "gitRepoId": repo.get("id"), "gitRepoUrl": repo.get("repoUrl")}

    @property
    def attached(self) -> bool:
        return bool(self.git_repo_url or self.git_path)

    @property
    def follows(self) -> str:
        """What the link loads: "branch" (the head of `git_branch`), "commit" (`git_ref` is a
        commit's SHA) or "tag". `gitRef` may be a branch, a tag or a SHA, but `gitRefType`
        says only "branch" or "tag" (documented), and a pin made elsewhere may say either (or
        "commit") beside a SHA: so the ref decides. A tag of 7+ hex characters with a letter
        among them reads as a commit; it is kept as it is all the same."""
        ref = self.git_ref or ""
        if not ref or ref == self.git_branch:
            return "branch"
        if _COMMIT_SHA.fullmatch(ref) and not ref.isdigit():
            return "commit"
        return "tag"


class GitCommit(ApiModel):
    """A commit on the attached branch (`GitFileGitCommit`)."""

    commit_hash: Name = ""
    author_name: Text = None
    date: Moment = None
    message: Text = None


class GitFileContent(ApiModel):
    """A file's contents at a commit (`GitFileContent`), also the answer of commit/checkout."""

    content: Text = None
    type: Text = None
    size: Count = None
    file_hash: Text = None


# -- jobs --------------------------------------------------------------------------------------


class Job(ApiModel):
    """A job (a script, an import...) as `GET /jobs/{id}` shows it (`Job`): what the wizard
    needs to name a thing a workflow uses, and who owns it."""

    id: int
    name: Name = ""
    author: Someone = None
    my_permission_level: Text = None


class JobRun(ApiModel):
    """A run of a job (`JobRun`)."""

    id: int
    state: Text = None
    created_at: Moment = None
    started_at: Moment = None
    finished_at: Moment = None
    error: Text = None


class RunLog(ApiModel):
    """One log line of a run (`LogRunLogResponseSummary`)."""

    id: int
    message: Name = ""
    level: Text = None
    created_at: Moment = None
