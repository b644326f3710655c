"""Request bodies of the Civis API as typed models: one per kind of call the client sends.

The API takes snake_case bodies (the official client's habit), so field names are the wire
names; `wire()` leaves out the fields not given (None), as the official client does. A
`Schedule` or `Notifications` goes out whole, in its own snake_case request form; a plain
mapping given in their place is sent as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, SkipValidation, field_serializer

from .types import Notifications, Schedule


class Body(BaseModel):
    """A request body: frozen, no unknown fields, `wire()` is the JSON the API is sent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class WorkflowBody(Body):
    """`POST /workflows`, `PUT` and `PATCH /workflows/{id}`: a workflow's attributes."""

    name: str | None = None
    description: str | None = None
    from_job_chain: int | None = None
    definition: str | None = None
    allow_concurrent_executions: bool | None = None
    time_zone: str | None = None
    hidden: bool | None = None
    schedule: SkipValidation[Schedule | Mapping[str, Any] | None] = None
    notifications: SkipValidation[Notifications | Mapping[str, Any] | None] = None

    @field_serializer("schedule", "notifications")
    def _request_form(self, value: Schedule | Notifications | Mapping[str, Any] | None) -> Any:
        if isinstance(value, Schedule | Notifications):
            return value.to_request()
        return dict(value) if value is not None else None


class CloneBody(Body):
    """`POST /workflows/{id}/clone`."""

    clone_schedule: bool | None = None
    clone_notifications: bool | None = None


class ArchiveBody(Body):
    """`PUT /workflows/{id}/archive`."""

    status: bool


class ShareBody(Body):
    """`PUT /workflows/{id}/shares/users` (`user_ids`) or `.../shares/groups` (`group_ids`)."""

    user_ids: list[int] | None = None
    group_ids: list[int] | None = None
    permission_level: str
    share_email_body: str | None = None
    send_shared_email: bool | None = None


class TransferBody(Body):
    """`PUT /workflows/{id}/transfer`."""

    user_id: int
    include_dependencies: bool
    email_body: str | None = None
    send_email: bool | None = None


class ExecutionBody(Body):
    """`POST /workflows/{id}/executions`: run it now. `input` is the person's own values."""

    target_task: str | None = None
    input: SkipValidation[dict[str, Any] | None] = None
    included_tasks: list[str] | None = None


class RetryBody(Body):
    """`POST /workflows/{id}/executions/{execution_id}/retry` (the others take no body)."""

    task_name: str | None = None


class GitBody(Body):
    """`PUT` and `PATCH /workflows/{id}/git`: the file a workflow is attached to."""

    git_ref: str | None = None
    git_branch: str | None = None
    git_path: str | None = None
    git_repo_url: str | None = None
    git_ref_type: str | None = None
    pull_from_git: bool | None = None


class CommitBody(Body):
    """`POST /workflows/{id}/git/commits`: commit and push."""

    content: str
    message: str
    file_hash: str


class ApiKeyBody(Body):
    """`POST /users/{id}/api_keys`."""

    name: str
    expires_in: int | None = None
