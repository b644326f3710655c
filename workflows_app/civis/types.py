"""Typed results of the Civis API, parsed once from its camelCase JSON.

Every type has `from_json`, which tolerates nulls where the spec promises values (the platform
sends many), ignores fields it does not know, and turns timestamps into aware datetimes. Pages
and templates only ever see these objects, never raw dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PERMISSION_LEVELS = ("read", "write", "manage")

Json = Mapping[str, Any]


# -- small readers that accept null and wrong-but-harmless types ------------------------------


def _str(data: Json, name: str) -> str | None:
    value = data.get(name)
    return None if value is None else str(value)


def _int(data: Json, name: str) -> int | None:
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bool(data: Json, name: str) -> bool | None:
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime from the API's ISO 8601 text (`2026-04-17T18:37:30.000Z`)."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _dt(data: Json, name: str) -> datetime | None:
    return parse_datetime(data.get(name))


def _dicts(data: Json, name: str) -> list[Json]:
    value = data.get(name)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _obj(data: Json, name: str) -> Json | None:
    value = data.get(name)
    return value if isinstance(value, dict) else None


def _ints(data: Json, name: str) -> tuple[int, ...]:
    value = data.get(name)
    if not isinstance(value, list):
        return ()
    return tuple(int(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool))


def _strs(data: Json, name: str) -> tuple[str, ...]:
    value = data.get(name)
    return tuple(str(v) for v in value if v is not None) if isinstance(value, list) else ()


# -- people, groups, projects ------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRef:
    """A group as listed on a person (`UserGroup`)."""

    id: int
    name: str
    slug: str | None = None
    organization_id: int | None = None
    organization_name: str | None = None

    @classmethod
    def from_json(cls, data: Json) -> GroupRef:
        return cls(
            id=int(data["id"]),
            name=_str(data, "name") or "",
            slug=_str(data, "slug"),
            organization_id=_int(data, "organizationId"),
            organization_name=_str(data, "organizationName"),
        )


@dataclass(frozen=True)
class Person:
    """A Civis user, from any of the user shapes (`/users/me`, `/users/{id}`, owners, members).

    `username` comes from `username` or, in user lists and details, from `user`.
    """

    id: int
    name: str
    username: str | None = None
    initials: str | None = None
    email: str | None = None
    online: bool | None = None
    active: bool | None = None
    primary_group_id: int | None = None
    groups: tuple[GroupRef, ...] = ()
    time_zone: str | None = None
    organization_name: str | None = None
    my_permission_level: str | None = None

    @classmethod
    def from_json(cls, data: Json) -> Person:
        return cls(
            id=int(data["id"]),
            name=_str(data, "name") or "",
            username=_str(data, "username") or _str(data, "user"),
            initials=_str(data, "initials"),
            email=_str(data, "email"),
            online=_bool(data, "online"),
            active=_bool(data, "active"),
            primary_group_id=_int(data, "primaryGroupId"),
            groups=tuple(GroupRef.from_json(g) for g in _dicts(data, "groups")),
            time_zone=_str(data, "timeZone"),
            organization_name=_str(data, "organizationName"),
            my_permission_level=_str(data, "myPermissionLevel"),
        )

    @property
    def label(self) -> str:
        """What a picker shows: the name, and the username when there is one."""
        return f"{self.name} ({self.username})" if self.username else self.name


User = Person


def _person(data: Json, name: str) -> Person | None:
    value = _obj(data, name)
    return Person.from_json(value) if value and value.get("id") is not None else None


@dataclass(frozen=True)
class Group:
    """A Civis group; `members` is filled by `GET /groups/{id}` (and lists with members)."""

    id: int
    name: str
    description: str | None = None
    slug: str | None = None
    organization_id: int | None = None
    organization_name: str | None = None
    member_count: int | None = None
    total_member_count: int | None = None
    members: tuple[Person, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json) -> Group:
        return cls(
            id=int(data["id"]),
            name=_str(data, "name") or "",
            description=_str(data, "description"),
            slug=_str(data, "slug"),
            organization_id=_int(data, "organizationId"),
            organization_name=_str(data, "organizationName"),
            member_count=_int(data, "memberCount"),
            total_member_count=_int(data, "totalMemberCount"),
            members=tuple(Person.from_json(m) for m in _dicts(data, "members")),
            created_at=_dt(data, "createdAt"),
            updated_at=_dt(data, "updatedAt"),
        )


@dataclass(frozen=True)
class Project:
    """A project (`ProjectsProjectSummary`, or the detail's common fields)."""

    id: int
    name: str
    description: str | None = None
    author: Person | None = None
    users: tuple[Person, ...] = ()
    auto_share: bool | None = None
    archived: bool | None = None
    hidden: bool | None = None
    my_permission_level: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json) -> Project:
        return cls(
            id=int(data["id"]),
            name=_str(data, "name") or "",
            description=_str(data, "description"),
            author=_person(data, "author"),
            users=tuple(Person.from_json(u) for u in _dicts(data, "users")),
            auto_share=_bool(data, "autoShare"),
            archived=_bool(data, "archived"),
            hidden=_bool(data, "hidden"),
            my_permission_level=_str(data, "myPermissionLevel"),
            created_at=_dt(data, "createdAt"),
            updated_at=_dt(data, "updatedAt"),
        )


# -- workflows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """When a workflow runs (`JobSchedule`). Days count from 0 = Sunday."""

    scheduled: bool = False
    days: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()
    minutes: tuple[int, ...] = ()
    runs_per_hour: int | None = None
    days_of_month: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: Json | None) -> Schedule:
        if not data:
            return cls()
        return cls(
            scheduled=bool(_bool(data, "scheduled")),
            days=_ints(data, "scheduledDays"),
            hours=_ints(data, "scheduledHours"),
            minutes=_ints(data, "scheduledMinutes"),
            runs_per_hour=_int(data, "scheduledRunsPerHour"),
            days_of_month=_ints(data, "scheduledDaysOfMonth"),
        )

    def to_request(self) -> dict[str, Any]:
        """The snake_case body the API takes back (for `put_workflow` / `patch_workflow`)."""
        return {
            "scheduled": self.scheduled,
            "scheduled_days": list(self.days),
            "scheduled_hours": list(self.hours),
            "scheduled_minutes": list(self.minutes),
            "scheduled_runs_per_hour": self.runs_per_hour,
            "scheduled_days_of_month": list(self.days_of_month),
        }


@dataclass(frozen=True)
class Notifications:
    """Who hears about a workflow's executions (`WorkflowNotifications`)."""

    urls: tuple[str, ...] = ()
    success_email_subject: str | None = None
    success_email_body: str | None = None
    success_email_addresses: tuple[str, ...] = ()
    failure_email_addresses: tuple[str, ...] = ()
    stall_warning_minutes: int | None = None
    success_on: bool | None = None
    failure_on: bool | None = None

    @classmethod
    def from_json(cls, data: Json | None) -> Notifications:
        if not data:
            return cls()
        return cls(
            urls=_strs(data, "urls"),
            success_email_subject=_str(data, "successEmailSubject"),
            success_email_body=_str(data, "successEmailBody"),
            success_email_addresses=_strs(data, "successEmailAddresses"),
            failure_email_addresses=_strs(data, "failureEmailAddresses"),
            stall_warning_minutes=_int(data, "stallWarningMinutes"),
            success_on=_bool(data, "successOn"),
            failure_on=_bool(data, "failureOn"),
        )

    def to_request(self) -> dict[str, Any]:
        """The snake_case body the API takes back."""
        return {
            "urls": list(self.urls),
            "success_email_subject": self.success_email_subject,
            "success_email_body": self.success_email_body,
            "success_email_addresses": list(self.success_email_addresses),
            "failure_email_addresses": list(self.failure_email_addresses),
            "stall_warning_minutes": self.stall_warning_minutes,
            "success_on": self.success_on,
            "failure_on": self.failure_on,
        }


@dataclass(frozen=True)
class WorkflowSummary:
    """A row of `GET /workflows` (`WorkflowSummary`)."""

    id: int
    name: str
    description: str | None = None
    valid: bool | None = None
    file_id: str | None = None
    owner: Person | None = None
    state: str | None = None
    schedule: Schedule = field(default_factory=Schedule)
    allow_concurrent_executions: bool | None = None
    time_zone: str | None = None
    next_execution_at: datetime | None = None
    archived: bool = False
    hidden: bool | None = None
    my_permission_level: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json) -> WorkflowSummary:
        return cls(**_workflow_common(data))


@dataclass(frozen=True)
class Workflow:
    """One workflow in full (`Workflow`): definition, notifications and the caller's level."""

    id: int
    name: str
    description: str | None = None
    definition: str | None = None
    valid: bool | None = None
    validation_errors: str | None = None
    file_id: str | None = None
    owner: Person | None = None
    state: str | None = None
    last_execution_id: int | None = None
    schedule: Schedule = field(default_factory=Schedule)
    allow_concurrent_executions: bool | None = None
    time_zone: str | None = None
    next_execution_at: datetime | None = None
    notifications: Notifications = field(default_factory=Notifications)
    archived: bool = False
    hidden: bool | None = None
    my_permission_level: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json) -> Workflow:
        return cls(
            **_workflow_common(data),
            definition=_str(data, "definition"),
            validation_errors=_str(data, "validationErrors"),
            last_execution_id=_int(data, "lastExecutionId"),
            notifications=Notifications.from_json(_obj(data, "notifications")),
        )

    @property
    def can_write(self) -> bool:
        return self.my_permission_level in ("write", "manage")

    @property
    def can_manage(self) -> bool:
        return self.my_permission_level == "manage"


def _workflow_common(data: Json) -> dict[str, Any]:
    return {
        "id": int(data["id"]),
        "name": _str(data, "name") or "",
        "description": _str(data, "description"),
        "valid": _bool(data, "valid"),
        "file_id": _str(data, "fileId"),
        "owner": _person(data, "user"),
        "state": _str(data, "state"),
        "schedule": Schedule.from_json(_obj(data, "schedule")),
        "allow_concurrent_executions": _bool(data, "allowConcurrentExecutions"),
        "time_zone": _str(data, "timeZone"),
        "next_execution_at": _dt(data, "nextExecutionAt"),
        "archived": bool(_bool(data, "archived")),
        "hidden": _bool(data, "hidden"),
        "my_permission_level": _str(data, "myPermissionLevel"),
        "created_at": _dt(data, "createdAt"),
        "updated_at": _dt(data, "updatedAt"),
    }


# -- executions, tasks, runs -------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRun:
    """A run of a job started by a task (`WorkflowRunDetail`)."""

    id: int
    job_id: int | None = None
    my_permission_level: str | None = None
    state: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json) -> TaskRun:
        return cls(
            id=int(data["id"]),
            job_id=_int(data, "jobId"),
            my_permission_level=_str(data, "myPermissionLevel"),
            state=_str(data, "state"),
            created_at=_dt(data, "createdAt"),
            started_at=_dt(data, "startedAt"),
            finished_at=_dt(data, "finishedAt"),
        )


@dataclass(frozen=True)
class ChildExecution:
    """An execution of another workflow started by a task (`WorkflowChildExecutionDetail`)."""

    id: int
    workflow_id: int | None = None
    my_permission_level: str | None = None
    state: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json) -> ChildExecution:
        return cls(
            id=int(data["id"]),
            workflow_id=_int(data, "workflowId"),
            my_permission_level=_str(data, "myPermissionLevel"),
            state=_str(data, "state"),
            created_at=_dt(data, "createdAt"),
            started_at=_dt(data, "startedAt"),
            finished_at=_dt(data, "finishedAt"),
        )


@dataclass(frozen=True)
class Task:
    """A task of an execution (`WorkflowTask`); runs and child executions newest first."""

    name: str
    mistral_state: str | None = None
    mistral_state_info: str | None = None
    runs: tuple[TaskRun, ...] = ()
    executions: tuple[ChildExecution, ...] = ()

    @classmethod
    def from_json(cls, data: Json) -> Task:
        return cls(
            name=_str(data, "name") or "",
            mistral_state=_str(data, "mistralState"),
            mistral_state_info=_str(data, "mistralStateInfo"),
            runs=tuple(TaskRun.from_json(r) for r in _dicts(data, "runs")),
            executions=tuple(ChildExecution.from_json(e) for e in _dicts(data, "executions")),
        )


TERMINAL_EXECUTION_STATES = frozenset({"succeeded", "failed", "cancelled"})


@dataclass(frozen=True)
class ExecutionSummary:
    """A row of `GET /workflows/{id}/executions`. `workflow_id` is filled in by the client."""

    id: int
    workflow_id: int | None = None
    state: str | None = None
    mistral_state: str | None = None
    mistral_state_info: str | None = None
    user: Person | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json, workflow_id: int | None = None) -> ExecutionSummary:
        return cls(**_execution_common(data, workflow_id))

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_EXECUTION_STATES


@dataclass(frozen=True)
class Execution:
    """One execution in full (`WorkflowExecution`). `workflow_id` is filled in by the client."""

    id: int
    workflow_id: int | None = None
    state: str | None = None
    mistral_state: str | None = None
    mistral_state_info: str | None = None
    user: Person | None = None
    definition: str | None = None
    input: Mapping[str, Any] = field(default_factory=dict)
    included_tasks: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    started_at: datetime | None = None
    finished_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json, workflow_id: int | None = None) -> Execution:
        return cls(
            **_execution_common(data, workflow_id),
            definition=_str(data, "definition"),
            input=dict(_obj(data, "input") or {}),
            included_tasks=_strs(data, "includedTasks"),
            tasks=tuple(Task.from_json(t) for t in _dicts(data, "tasks")),
        )

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_EXECUTION_STATES


def _execution_common(data: Json, workflow_id: int | None) -> dict[str, Any]:
    return {
        "id": int(data["id"]),
        "workflow_id": workflow_id,
        "state": _str(data, "state"),
        "mistral_state": _str(data, "mistralState"),
        "mistral_state_info": _str(data, "mistralStateInfo"),
        "user": _person(data, "user"),
        "started_at": _dt(data, "startedAt"),
        "finished_at": _dt(data, "finishedAt"),
        "created_at": _dt(data, "createdAt"),
        "updated_at": _dt(data, "updatedAt"),
    }


# -- sharing, dependencies ---------------------------------------------------------------------


@dataclass(frozen=True)
class Grantee:
    """A user or group a workflow is shared with, at its highest level."""

    id: int
    name: str
    level: str


@dataclass(frozen=True)
class Share:
    """Who a workflow is shared with (`ShareIndex`), flattened to one level per grantee."""

    users: tuple[Grantee, ...] = ()
    groups: tuple[Grantee, ...] = ()
    total_user_shares: int | None = None
    total_group_shares: int | None = None

    @classmethod
    def from_json(cls, data: Json) -> Share:
        users: dict[int, Grantee] = {}
        groups: dict[int, Grantee] = {}
        for level, key in (("read", "readers"), ("write", "writers"), ("manage", "owners")):
            bucket = _obj(data, key) or {}
            for kind, found in (("users", users), ("groups", groups)):
                for item in _dicts(bucket, kind):
                    # Levels are visited lowest first, so a later one is the higher one.
                    found[int(item["id"])] = Grantee(
                        int(item["id"]), _str(item, "name") or "", level
                    )
        return cls(
            users=tuple(users.values()),
            groups=tuple(groups.values()),
            total_user_shares=_int(data, "totalUserShares"),
            total_group_shares=_int(data, "totalGroupShares"),
        )

    def level_of_user(self, user_id: int) -> str | None:
        return next((g.level for g in self.users if g.id == user_id), None)

    def level_of_group(self, group_id: int) -> str | None:
        return next((g.level for g in self.groups if g.id == group_id), None)


@dataclass(frozen=True)
class Dependency:
    """An object a workflow depends on (`ShareDependenciesSummary` / `ShareTransferDependencies`).

    `shareable` comes from the dependencies list, `shared` from a transfer's answer.
    """

    id: int
    object_type: str | None = None
    fco_type: str | None = None
    name: str | None = None
    permission_level: str | None = None
    description: str | None = None
    shareable: bool | None = None
    shared: bool | None = None

    @classmethod
    def from_json(cls, data: Json) -> Dependency:
        return cls(
            id=int(data["id"]),
            object_type=_str(data, "objectType"),
            fco_type=_str(data, "fcoType"),
            name=_str(data, "name"),
            permission_level=_str(data, "permissionLevel"),
            description=_str(data, "description"),
            shareable=_bool(data, "shareable"),
            shared=_bool(data, "shared"),
        )


# -- git ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GitMetadata:
    """The git file a workflow is attached to (`GitFile`)."""

    git_ref: str | None = None
    git_branch: str | None = None
    git_path: str | None = None
    git_repo_id: int | None = None
    git_repo_url: str | None = None
    git_ref_type: str | None = None
    pull_from_git: bool | None = None

    @classmethod
    def from_json(cls, data: Json) -> GitMetadata:
        repo = _obj(data, "gitRepo") or {}
        return cls(
            git_ref=_str(data, "gitRef"),
            git_branch=_str(data, "gitBranch"),
            git_path=_str(data, "gitPath"),
            git_repo_id=_int(repo, "id"),
            git_repo_url=_str(repo, "repoUrl"),
            git_ref_type=_str(data, "gitRefType"),
            pull_from_git=_bool(data, "pullFromGit"),
        )

    @property
    def attached(self) -> bool:
        return bool(self.git_repo_url or self.git_path)


@dataclass(frozen=True)
class GitCommit:
    """A commit on the attached branch (`GitFileGitCommit`)."""

    commit_hash: str
    author_name: str | None = None
    date: datetime | None = None
    message: str | None = None

    @classmethod
    def from_json(cls, data: Json) -> GitCommit:
        return cls(
            commit_hash=_str(data, "commitHash") or "",
            author_name=_str(data, "authorName"),
            date=_dt(data, "date"),
            message=_str(data, "message"),
        )


@dataclass(frozen=True)
class GitFileContent:
    """A file's contents at a commit (`GitFileContent`), also the answer of commit/checkout."""

    content: str | None = None
    type: str | None = None
    size: int | None = None
    file_hash: str | None = None

    @classmethod
    def from_json(cls, data: Json) -> GitFileContent:
        return cls(
            content=_str(data, "content"),
            type=_str(data, "type"),
            size=_int(data, "size"),
            file_hash=_str(data, "fileHash"),
        )


# -- jobs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRun:
    """A run of a job (`JobRun`)."""

    id: int
    state: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None

    @classmethod
    def from_json(cls, data: Json) -> JobRun:
        return cls(
            id=int(data["id"]),
            state=_str(data, "state"),
            created_at=_dt(data, "createdAt"),
            started_at=_dt(data, "startedAt"),
            finished_at=_dt(data, "finishedAt"),
            error=_str(data, "error"),
        )


@dataclass(frozen=True)
class RunLog:
    """One log line of a run (`LogRunLogResponseSummary`)."""

    id: int
    message: str = ""
    level: str | None = None
    created_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Json) -> RunLog:
        return cls(
            id=int(data["id"]),
            message=_str(data, "message") or "",
            level=_str(data, "level"),
            created_at=_dt(data, "createdAt"),
        )
