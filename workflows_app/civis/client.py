"""`CivisClient`: every Civis API call the console makes, typed, with one person's own key.

The 32 methods of the official client's `Workflows` endpoint keep their reference names,
except where a bare name would be ambiguous on a client that also reads people and projects
(`REFERENCE_METHODS` maps each reference name to ours). Every mutating method reports to
`audit.record` with the outcome, success or failure.

Usage::

    client = CivisClient(api_key, actor_id=civis_user_id)          # web profile
    workflow = client.get_workflow(42)
    page = client.list_workflows(state=["failed"], limit=50, page_num=2)
    for summary in client.iter_workflows(author="7"): ...           # every page, lazily
    workflow, runs, shares = gather(
        lambda: client.get_workflow(42),
        lambda: client.list_executions(42, limit=10),
        lambda: client.list_shares(42),
    )
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from django.conf import settings

from . import audit
from .bodies import (
    ApiKeyBody,
    ArchiveBody,
    CloneBody,
    CommitBody,
    ExecutionBody,
    GitBody,
    RetryBody,
    ShareBody,
    TransferBody,
    WorkflowBody,
)
from .errors import CivisError, Unavailable
from .pagination import MAX_PER_PAGE, Page, iterate_pages
from .session import PROFILES, Answer, RateLimit, RetryPolicy, Transport
from .types import (
    Dependency,
    Execution,
    ExecutionSummary,
    GitCommit,
    GitFileContent,
    GitMetadata,
    Group,
    Job,
    JobRun,
    Notifications,
    Person,
    Project,
    RunLog,
    Schedule,
    Share,
    Task,
    TransferResult,
    Workflow,
    WorkflowSummary,
)

T = TypeVar("T")

# Reference method (official client, `client.workflows.<name>`) -> CivisClient method.
REFERENCE_METHODS: dict[str, str] = {
    "delete_projects": "delete_projects",
    "delete_shares_groups": "delete_shares_groups",
    "delete_shares_users": "delete_shares_users",
    "get": "get_workflow",
    "get_executions": "get_executions",
    "get_executions_tasks": "get_executions_tasks",
    "get_git_commits": "get_git_commits",
    "list": "list_workflows",
    "list_dependencies": "list_dependencies",
    "list_executions": "list_executions",
    "list_git": "list_git",
    "list_git_commits": "list_git_commits",
    "list_projects": "list_workflow_projects",
    "list_shares": "list_shares",
    "patch": "patch_workflow",
    "patch_git": "patch_git",
    "post": "post_workflow",
    "post_clone": "post_clone",
    "post_executions": "post_executions",
    "post_executions_cancel": "post_executions_cancel",
    "post_executions_resume": "post_executions_resume",
    "post_executions_retry": "post_executions_retry",
    "post_git_checkout": "post_git_checkout",
    "post_git_checkout_latest": "post_git_checkout_latest",
    "post_git_commits": "post_git_commits",
    "put": "put_workflow",
    "put_archive": "put_archive",
    "put_git": "put_git",
    "put_projects": "put_projects",
    "put_shares_groups": "put_shares_groups",
    "put_shares_users": "put_shares_users",
    "put_transfer": "put_transfer",
}


class CivisClient:
    """One person's view of the Civis API.

    `profile` is "web" (at most one retry, short waits: for requests) or "worker" (more retries,
    longer waits: for Celery tasks); `max_retries` overrides its retry count. `actor_id` (the
    person's Civis user id) is what the audit log records as "who". `on_rate_limit` is called
    with the rate-limit headers of every answer; the latest are also on `rate_limit`.
    """

    def __init__(
        self,
        api_key: str,
        *,
        endpoint: str | None = None,
        profile: str | RetryPolicy = "web",
        max_retries: int | None = None,
        actor_id: int | None = None,
        on_rate_limit: Callable[[RateLimit], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        policy = PROFILES[profile] if isinstance(profile, str) else profile
        if max_retries is not None:
            policy = policy.with_retries(max_retries)
        self.actor_id = actor_id
        # Names this client has seen ("workflow:19" -> "Sales load"), so the audit log keeps
        # the names at the time of a change without a call of its own.
        self.known_names: dict[str, str] = {}
        self._transport = Transport(
            api_key,
            endpoint or settings.CIVIS_API_ENDPOINT,
            policy=policy,
            timeout=(float(settings.CIVIS_CONNECT_TIMEOUT), float(settings.CIVIS_READ_TIMEOUT)),
            on_rate_limit=on_rate_limit,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        t = self._transport
        return f"<CivisClient {t.endpoint} key={t.fingerprint} profile={t.policy.name}>"

    @property
    def endpoint(self) -> str:
        return self._transport.endpoint

    @property
    def rate_limit(self) -> RateLimit | None:
        """`X-RateLimit-*` / `Retry-After` of the latest answer (None before the first)."""
        return self._transport.rate_limit

    @property
    def key_fingerprint(self) -> str:
        """A short hash naming the key in logs and cache keys (never the key)."""
        return self._transport.fingerprint

    def remember_names(self, kind: str, names: Mapping[int, str]) -> None:
        """Names the caller already knows (`kind` "workflow", "user", "group", "project"),
        for the audit log of the changes this client makes."""
        for object_id, name in names.items():
            if name:
                self.known_names[f"{kind}:{object_id}"] = str(name)

    def _learn(self, path: str, data: Any) -> None:
        """Keep the names an answer carries: the object at `path` and any people or groups."""
        parts = path.strip("/").split("/")
        kinds = {"workflows": "workflow", "users": "user", "groups": "group", "projects": "project"}
        items = data if isinstance(data, list) else [data]
        for item in items:
            if not isinstance(item, dict):
                continue
            if parts[0] in kinds and len(parts) <= 2 and "name" in item:
                object_id = _int_or_none(item.get("id"))
                if object_id is not None and isinstance(item["name"], str):
                    self.known_names[f"{kinds[parts[0]]}:{object_id}"] = item["name"]
            for bucket in (item, *(v for v in item.values() if isinstance(v, dict))):
                for key in ("users", "groups", "members"):
                    found = bucket.get(key)
                    if found:  # most answers carry none: no call (50 rows made 450 of them)
                        self._learn(("groups" if key == "groups" else "users"), found)

    # -- workflows -------------------------------------------------------------------------

    def list_workflows(
        self,
        *,
        hidden: bool | None = None,
        archived: bool | str | None = None,
        author: str | Iterable[int] | None = None,
        state: Iterable[str] | None = None,
        scheduled: bool | None = None,
        limit: int | None = None,
        page_num: int | None = None,
        order: str | None = None,
        order_dir: str | None = None,
    ) -> Page[WorkflowSummary]:
        """`GET /workflows` (reference `list`). `author` is a comma-separated id list or ids."""
        params = {
            "hidden": hidden,
            "archived": archived,
            "author": _comma_list(author),
            "state[]": list(state) if state else None,
            "scheduled": scheduled,
            "order": order,
            "order_dir": order_dir,
        }
        return self._page("workflows", params, WorkflowSummary.from_json, limit, page_num)

    def iter_workflows(self, **filters: Any) -> Iterator[WorkflowSummary]:
        """Every workflow matching `filters` (as `list_workflows`), fetched 50 at a time."""
        return iterate_pages(
            lambda n: self.list_workflows(**filters, limit=MAX_PER_PAGE, page_num=n)
        )

    def get_workflow(self, id: int) -> Workflow:
        """`GET /workflows/{id}` (reference `get`)."""
        return _parse(Workflow.from_json, self._get(f"workflows/{id}"))

    def post_workflow(
        self,
        name: str,
        *,
        description: str | None = None,
        from_job_chain: int | None = None,
        definition: str | None = None,
        schedule: Schedule | Mapping[str, Any] | None = None,
        allow_concurrent_executions: bool | None = None,
        time_zone: str | None = None,
        notifications: Notifications | Mapping[str, Any] | None = None,
        hidden: bool | None = None,
    ) -> Workflow:
        """`POST /workflows` (reference `post`): create a workflow."""
        body = WorkflowBody(
            name=name,
            description=description,
            from_job_chain=from_job_chain,
            definition=definition,
            schedule=schedule,
            allow_concurrent_executions=allow_concurrent_executions,
            time_zone=time_zone,
            notifications=notifications,
            hidden=hidden,
        ).wire()
        answer = self._mutate("post", "POST", "workflows", object_id=None, json=body)
        return _parse(Workflow.from_json, answer.data)

    def put_workflow(
        self,
        id: int,
        name: str,
        *,
        description: str | None = None,
        definition: str | None = None,
        schedule: Schedule | Mapping[str, Any] | None = None,
        allow_concurrent_executions: bool | None = None,
        time_zone: str | None = None,
        notifications: Notifications | Mapping[str, Any] | None = None,
    ) -> Workflow:
        """`PUT /workflows/{id}` (reference `put`): replace all attributes."""
        return self._write_workflow(
            "put",
            id,
            name=name,
            description=description,
            definition=definition,
            schedule=schedule,
            allow_concurrent_executions=allow_concurrent_executions,
            time_zone=time_zone,
            notifications=notifications,
        )

    def patch_workflow(
        self,
        id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        definition: str | None = None,
        schedule: Schedule | Mapping[str, Any] | None = None,
        allow_concurrent_executions: bool | None = None,
        time_zone: str | None = None,
        notifications: Notifications | Mapping[str, Any] | None = None,
    ) -> Workflow:
        """`PATCH /workflows/{id}` (reference `patch`): update the attributes given."""
        return self._write_workflow(
            "patch",
            id,
            name=name,
            description=description,
            definition=definition,
            schedule=schedule,
            allow_concurrent_executions=allow_concurrent_executions,
            time_zone=time_zone,
            notifications=notifications,
        )

    def _write_workflow(self, action: str, id: int, **attributes: Any) -> Workflow:
        """PUT or PATCH: the same body (fields left out when None); the audit keeps field names."""
        body = WorkflowBody(**attributes).wire()
        answer = self._mutate(
            action, action.upper(), f"workflows/{id}", object_id=id, json=body, detail=_fields(body)
        )
        return _parse(Workflow.from_json, answer.data)

    def post_clone(
        self,
        id: int,
        *,
        clone_schedule: bool | None = None,
        clone_notifications: bool | None = None,
    ) -> Workflow:
        """`POST /workflows/{id}/clone` (reference `post_clone`): the clone is returned."""
        body = CloneBody(
            clone_schedule=clone_schedule, clone_notifications=clone_notifications
        ).wire()
        answer = self._mutate(
            "post_clone", "POST", f"workflows/{id}/clone", object_id=id, json=body
        )
        return _parse(Workflow.from_json, answer.data)

    def put_archive(self, id: int, status: bool) -> Workflow:
        """`PUT /workflows/{id}/archive` (reference `put_archive`): archive or unarchive."""
        answer = self._mutate(
            "put_archive",
            "PUT",
            f"workflows/{id}/archive",
            object_id=id,
            json=ArchiveBody(status=status).wire(),
            detail={"status": status},
        )
        return _parse(Workflow.from_json, answer.data)

    # -- sharing, transfer, dependencies -----------------------------------------------------

    def list_shares(self, id: int) -> Share:
        """`GET /workflows/{id}/shares` (reference `list_shares`). The spec answers with an
        array holding one `ShareIndex`; a bare object is accepted too."""
        data = self._get(f"workflows/{id}/shares")
        if isinstance(data, list):
            data = data[0] if data else {}
        return _parse(Share.from_json, data)

    def put_shares_users(
        self,
        id: int,
        user_ids: Iterable[int],
        permission_level: str,
        *,
        share_email_body: str | None = None,
        send_shared_email: bool | None = None,
    ) -> Share:
        """`PUT /workflows/{id}/shares/users` (reference `put_shares_users`)."""
        return self._put_shares(
            "users", id, user_ids, permission_level, share_email_body, send_shared_email
        )

    def delete_shares_users(self, id: int, user_id: int) -> None:
        """`DELETE /workflows/{id}/shares/users/{user_id}` (reference `delete_shares_users`)."""
        self._delete_share("users", id, user_id)

    def put_shares_groups(
        self,
        id: int,
        group_ids: Iterable[int],
        permission_level: str,
        *,
        share_email_body: str | None = None,
        send_shared_email: bool | None = None,
    ) -> Share:
        """`PUT /workflows/{id}/shares/groups` (reference `put_shares_groups`)."""
        return self._put_shares(
            "groups", id, group_ids, permission_level, share_email_body, send_shared_email
        )

    def delete_shares_groups(self, id: int, group_id: int) -> None:
        """`DELETE /workflows/{id}/shares/groups/{group_id}` (reference `delete_shares_groups`)."""
        self._delete_share("groups", id, group_id)

    def _put_shares(
        self,
        kind: str,
        id: int,
        grantee_ids: Iterable[int],
        permission_level: str,
        share_email_body: str | None,
        send_shared_email: bool | None,
    ) -> Share:
        """Shares with people (`kind` "users") or groups ("groups"): the same call shape."""
        ids = [int(grantee) for grantee in grantee_ids]
        id_field = f"{kind[:-1]}_ids"
        body = ShareBody(
            user_ids=ids if kind == "users" else None,
            group_ids=ids if kind == "groups" else None,
            permission_level=permission_level,
            share_email_body=share_email_body,
            send_shared_email=send_shared_email,
        ).wire()
        answer = self._mutate(
            f"put_shares_{kind}",
            "PUT",
            f"workflows/{id}/shares/{kind}",
            object_id=id,
            json=body,
            detail={id_field: ids, "permission_level": permission_level},
        )
        return _parse(Share.from_json, answer.data)

    def _delete_share(self, kind: str, id: int, grantee_id: int) -> None:
        self._mutate(
            f"delete_shares_{kind}",
            "DELETE",
            f"workflows/{id}/shares/{kind}/{grantee_id}",
            object_id=id,
            detail={f"{kind[:-1]}_id": grantee_id},
        )

    def list_dependencies(self, id: int, *, user_id: int | None = None) -> tuple[Dependency, ...]:
        """`GET /workflows/{id}/dependencies` (reference `list_dependencies`); with `user_id`,
        `permission_level` is that user's level on each dependency."""
        data = self._get(f"workflows/{id}/dependencies", {"user_id": user_id})
        return _parse_list(Dependency.from_json, data)

    def put_transfer(
        self,
        id: int,
        user_id: int,
        include_dependencies: bool,
        email_body: str | None = None,
        send_email: bool | None = None,
    ) -> tuple[Dependency, ...]:
        """`PUT /workflows/{id}/transfer` (reference `put_transfer`): make `user_id` the owner.
        Returns the dependencies the new owner lacked (with `shared` when included)."""
        body = TransferBody(
            user_id=user_id,
            include_dependencies=include_dependencies,
            email_body=email_body,
            send_email=send_email,
        ).wire()
        detail = {"user_id": user_id, "include_dependencies": include_dependencies}
        answer = self._mutate(
            "put_transfer",
            "PUT",
            f"workflows/{id}/transfer",
            object_id=id,
            json=body,
            detail=detail,
        )
        data = answer.data if isinstance(answer.data, dict) else {}
        return _parse(TransferResult.from_json, data).dependencies

    # -- projects ----------------------------------------------------------------------------

    def list_workflow_projects(self, id: int, *, hidden: bool | None = None) -> tuple[Project, ...]:
        """`GET /workflows/{id}/projects` (reference `list_projects`)."""
        data = self._get(f"workflows/{id}/projects", {"hidden": hidden})
        return _parse_list(Project.from_json, data)

    def put_projects(self, id: int, project_id: int) -> None:
        """`PUT /workflows/{id}/projects/{project_id}` (reference `put_projects`)."""
        self._mutate(
            "put_projects",
            "PUT",
            f"workflows/{id}/projects/{project_id}",
            object_id=id,
            detail={"project_id": project_id},
        )

    def delete_projects(self, id: int, project_id: int) -> None:
        """`DELETE /workflows/{id}/projects/{project_id}` (reference `delete_projects`)."""
        self._mutate(
            "delete_projects",
            "DELETE",
            f"workflows/{id}/projects/{project_id}",
            object_id=id,
            detail={"project_id": project_id},
        )

    def list_projects(
        self,
        *,
        permission: str | None = None,
        author: str | Iterable[int] | None = None,
        hidden: bool | None = None,
        archived: bool | str | None = None,
        limit: int | None = None,
        page_num: int | None = None,
        order: str | None = None,
        order_dir: str | None = None,
    ) -> Page[Project]:
        """`GET /projects` (`client.projects.list`): the project picker."""
        params = {
            "permission": permission,
            "author": _comma_list(author),
            "hidden": hidden,
            "archived": archived,
            "order": order,
            "order_dir": order_dir,
        }
        return self._page("projects", params, Project.from_json, limit, page_num)

    def iter_projects(self, **filters: Any) -> Iterator[Project]:
        """Every project matching `filters` (as `list_projects`), 50 at a time."""
        return iterate_pages(
            lambda n: self.list_projects(**filters, limit=MAX_PER_PAGE, page_num=n)
        )

    # -- git ---------------------------------------------------------------------------------

    def list_git(self, id: int) -> GitMetadata:
        """`GET /workflows/{id}/git` (reference `list_git`)."""
        return _parse(GitMetadata.from_json, self._get(f"workflows/{id}/git"))

    def put_git(
        self,
        id: int,
        *,
        git_ref: str | None = None,
        git_branch: str | None = None,
        git_path: str | None = None,
        git_repo_url: str | None = None,
        git_ref_type: str | None = None,
        pull_from_git: bool | None = None,
    ) -> GitMetadata:
        """`PUT /workflows/{id}/git` (reference `put_git`): attach to a file in a repo."""
        return self._git_write(
            "put_git",
            "PUT",
            id,
            git_ref=git_ref,
            git_branch=git_branch,
            git_path=git_path,
            git_repo_url=git_repo_url,
            git_ref_type=git_ref_type,
            pull_from_git=pull_from_git,
        )

    def patch_git(
        self,
        id: int,
        *,
        git_ref: str | None = None,
        git_branch: str | None = None,
        git_path: str | None = None,
        git_repo_url: str | None = None,
        git_ref_type: str | None = None,
        pull_from_git: bool | None = None,
    ) -> GitMetadata:
        """`PATCH /workflows/{id}/git` (reference `patch_git`): change the attachment."""
        return self._git_write(
            "patch_git",
            "PATCH",
            id,
            git_ref=git_ref,
            git_branch=git_branch,
            git_path=git_path,
            git_repo_url=git_repo_url,
            git_ref_type=git_ref_type,
            pull_from_git=pull_from_git,
        )

    def _git_write(self, action: str, method: str, id: int, **fields: Any) -> GitMetadata:
        body = GitBody(**fields).wire()
        answer = self._mutate(
            action, method, f"workflows/{id}/git", object_id=id, json=body, detail=_fields(body)
        )
        return _parse(GitMetadata.from_json, answer.data)

    def list_git_commits(self, id: int) -> tuple[GitCommit, ...]:
        """`GET /workflows/{id}/git/commits` (reference `list_git_commits`): the commits on
        the branch. The real service answers an array (the published spec said one object)."""
        return _parse_list(GitCommit.from_json, self._get(f"workflows/{id}/git/commits"))

    def get_git_commits(self, id: int, commit_hash: str) -> GitFileContent:
        """`GET /workflows/{id}/git/commits/{commit_hash}` (reference `get_git_commits`):
        the file's contents at that commit."""
        path = f"workflows/{id}/git/commits/{quote(commit_hash, safe='')}"
        return _parse(GitFileContent.from_json, self._get(path))

    def post_git_commits(
        self, id: int, content: str, message: str, file_hash: str
    ) -> GitFileContent:
        """`POST /workflows/{id}/git/commits` (reference `post_git_commits`): commit and push."""
        body = CommitBody(content=content, message=message, file_hash=file_hash).wire()
        answer = self._mutate(
            "post_git_commits",
            "POST",
            f"workflows/{id}/git/commits",
            object_id=id,
            json=body,
            detail={"file_hash": file_hash},
        )
        return _parse(GitFileContent.from_json, answer.data)

    def post_git_checkout(self, id: int) -> GitFileContent:
        """`POST /workflows/{id}/git/checkout` (reference `post_git_checkout`): check out what
        the attached `git_ref` points to."""
        answer = self._mutate(
            "post_git_checkout", "POST", f"workflows/{id}/git/checkout", object_id=id
        )
        return _parse(GitFileContent.from_json, answer.data)

    def post_git_checkout_latest(self, id: int) -> GitFileContent:
        """`POST /workflows/{id}/git/checkout-latest` (reference `post_git_checkout_latest`):
        check out the head of the attached branch."""
        answer = self._mutate(
            "post_git_checkout_latest", "POST", f"workflows/{id}/git/checkout-latest", object_id=id
        )
        return _parse(GitFileContent.from_json, answer.data)

    # -- executions --------------------------------------------------------------------------

    def list_executions(
        self,
        id: int,
        *,
        limit: int | None = None,
        page_num: int | None = None,
        order: str | None = None,
        order_dir: str | None = None,
    ) -> Page[ExecutionSummary]:
        """`GET /workflows/{id}/executions` (reference `list_executions`)."""
        params = {"order": order, "order_dir": order_dir}

        def parse(data: Mapping[str, Any]) -> ExecutionSummary:
            return ExecutionSummary.from_json(data, workflow_id=id)

        return self._page(f"workflows/{id}/executions", params, parse, limit, page_num)

    def iter_executions(self, id: int, **options: Any) -> Iterator[ExecutionSummary]:
        """Every execution of workflow `id` (options as `list_executions`), 50 at a time."""
        return iterate_pages(
            lambda n: self.list_executions(id, **options, limit=MAX_PER_PAGE, page_num=n)
        )

    def get_executions(self, id: int, execution_id: int) -> Execution:
        """`GET /workflows/{id}/executions/{execution_id}` (reference `get_executions`)."""
        data = self._get(f"workflows/{id}/executions/{execution_id}")
        return _parse(lambda d: Execution.from_json(d, workflow_id=id), data)

    def get_executions_tasks(self, id: int, execution_id: int, task_name: str) -> Task:
        """`GET /workflows/{id}/executions/{execution_id}/tasks/{task_name}`
        (reference `get_executions_tasks`)."""
        path = f"workflows/{id}/executions/{execution_id}/tasks/{quote(task_name, safe='')}"
        return _parse(Task.from_json, self._get(path))

    def post_executions(
        self,
        id: int,
        *,
        target_task: str | None = None,
        input: Mapping[str, Any] | None = None,
        included_tasks: Iterable[str] | None = None,
    ) -> Execution:
        """`POST /workflows/{id}/executions` (reference `post_executions`): run it now."""
        body = ExecutionBody(
            target_task=target_task,
            input=dict(input) if input is not None else None,
            included_tasks=list(included_tasks) if included_tasks is not None else None,
        ).wire()
        answer = self._mutate(
            "post_executions", "POST", f"workflows/{id}/executions", object_id=id, json=body
        )
        return _parse(lambda d: Execution.from_json(d, workflow_id=id), answer.data)

    def post_executions_cancel(self, id: int, execution_id: int) -> Execution:
        """`POST /workflows/{id}/executions/{execution_id}/cancel`
        (reference `post_executions_cancel`)."""
        return self._execution_command("cancel", id, execution_id)

    def post_executions_resume(self, id: int, execution_id: int) -> Execution:
        """`POST /workflows/{id}/executions/{execution_id}/resume`
        (reference `post_executions_resume`)."""
        return self._execution_command("resume", id, execution_id)

    def post_executions_retry(
        self, id: int, execution_id: int, task_name: str | None = None
    ) -> Execution:
        """`POST /workflows/{id}/executions/{execution_id}/retry`
        (reference `post_executions_retry`): one failed task, or all of them."""
        return self._execution_command(
            "retry", id, execution_id, RetryBody(task_name=task_name).wire()
        )

    def _execution_command(
        self, command: str, id: int, execution_id: int, body: Mapping[str, Any] | None = None
    ) -> Execution:
        body = dict(body or {})
        answer = self._mutate(
            f"post_executions_{command}",
            "POST",
            f"workflows/{id}/executions/{execution_id}/{command}",
            object_id=id,
            json=body or None,
            detail={"execution_id": execution_id, **body},
        )
        return _parse(lambda d: Execution.from_json(d, workflow_id=id), answer.data)

    # -- people and groups -------------------------------------------------------------------

    def users_me(self) -> Person:
        """`GET /users/me` (`client.users.list_me`): whose key this is."""
        return _parse(Person.from_json, self._get("users/me"))

    def get_user(self, id: int) -> Person:
        """`GET /users/{id}` (`client.users.get`)."""
        return _parse(Person.from_json, self._get(f"users/{id}"))

    def search_users(
        self,
        query: str | None = None,
        *,
        group_id: int | None = None,
        account_status: str | None = None,
        limit: int | None = None,
        page_num: int | None = None,
        order: str | None = None,
        order_dir: str | None = None,
    ) -> Page[Person]:
        """`GET /users?query=...` (`client.users.list`): the people picker."""
        params = {
            "query": query or None,
            "group_id": group_id,
            "account_status": account_status,
            "order": order,
            "order_dir": order_dir,
        }
        return self._page("users", params, Person.from_json, limit, page_num)

    def iter_users(self, query: str | None = None, **options: Any) -> Iterator[Person]:
        """Every person matching `query` (options as `search_users`), 50 at a time."""
        return iterate_pages(
            lambda n: self.search_users(query, **options, limit=MAX_PER_PAGE, page_num=n)
        )

    def search_groups(
        self,
        query: str | None = None,
        *,
        include_members: bool | None = None,
        limit: int | None = None,
        page_num: int | None = None,
        order: str | None = None,
        order_dir: str | None = None,
    ) -> Page[Group]:
        """`GET /groups?query=...` (`client.groups.list`): the group picker."""
        params = {
            "query": query or None,
            "include_members": include_members,
            "order": order,
            "order_dir": order_dir,
        }
        return self._page("groups", params, Group.from_json, limit, page_num)

    def create_api_key(
        self, user_id: int | str, *, name: str, expires_in: int | None = 8 * 3600
    ) -> str:
        """The new key itself (see `mint_api_key`)."""
        return self.mint_api_key(user_id, name=name, expires_in=expires_in)[1]

    def mint_api_key(
        self, user_id: int | str, *, name: str, expires_in: int | None = 8 * 3600
    ) -> tuple[int | None, str]:
        """`POST /users/{id}/api_keys` (`client.users.post_api_keys`): mint a key for `user_id`
        ("me", or anyone when the caller is an admin). Returns (its id, for revoking it; the
        new key itself: treat it like a password, the audit record holds only the id)."""
        body = ApiKeyBody(name=name, expires_in=expires_in).wire()
        answer = self._mutate(
            "post_api_keys",
            "POST",
            f"users/{user_id}/api_keys",
            object_type="user",
            object_id=user_id if isinstance(user_id, int) else None,
            json=body,
        )
        data = answer.data if isinstance(answer.data, dict) else {}
        token = data.get("token")
        if not isinstance(token, str) or not token:
            raise Unavailable("The Civis API did not return the new key.")
        return _int_or_none(data.get("id")), token

    def delete_api_keys(self, user_id: int, key_id: int) -> None:
        """`DELETE /users/{id}/api_keys/{key_id}` (`client.users.delete_api_keys`): revoke."""
        path = f"users/{user_id}/api_keys/{key_id}"
        self._mutate("delete_api_keys", "DELETE", path, object_type="user", object_id=user_id)

    def get_group(self, id: int) -> Group:
        """`GET /groups/{id}` (`client.groups.get`), with its members."""
        return _parse(Group.from_json, self._get(f"groups/{id}"))

    # -- jobs and runs -----------------------------------------------------------------------

    def get_job(self, id: int) -> Job:
        """`GET /jobs/{id}` (`client.jobs.get`): its name, owner and the caller's level."""
        return _parse(Job.from_json, self._get(f"jobs/{id}"))

    def list_job_runs(
        self,
        job_id: int,
        *,
        limit: int | None = None,
        page_num: int | None = None,
        order: str | None = None,
        order_dir: str | None = None,
    ) -> Page[JobRun]:
        """`GET /jobs/{id}/runs` (`client.jobs.list_runs`)."""
        params = {"order": order, "order_dir": order_dir}
        return self._page(f"jobs/{job_id}/runs", params, JobRun.from_json, limit, page_num)

    def get_job_run(self, job_id: int, run_id: int) -> JobRun:
        """`GET /jobs/{id}/runs/{run_id}` (`client.jobs.get_runs`)."""
        return _parse(JobRun.from_json, self._get(f"jobs/{job_id}/runs/{run_id}"))

    def list_job_run_logs(
        self, job_id: int, run_id: int, *, last_id: int | None = None, limit: int | None = None
    ) -> tuple[RunLog, ...]:
        """`GET /jobs/{id}/runs/{run_id}/logs` (`client.jobs.list_runs_logs`); `last_id`
        asks only for lines after that one (for tailing)."""
        data = self._get(f"jobs/{job_id}/runs/{run_id}/logs", {"last_id": last_id, "limit": limit})
        return _parse_list(RunLog.from_json, data)

    # -- plumbing ----------------------------------------------------------------------------

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        data = self._transport.request("GET", path, params=_query(params or {})).data
        self._learn(path, data)
        return data

    def _page(
        self,
        path: str,
        params: Mapping[str, Any],
        parse: Callable[[Mapping[str, Any]], T],
        limit: int | None,
        page_num: int | None,
    ) -> Page[T]:
        query = _query({**params, "limit": limit, "page_num": page_num})
        answer = self._transport.request("GET", path, params=query)
        self._learn(path, answer.data)
        items = _parse_list(parse, answer.data)
        return Page.from_headers(
            items, answer.headers, page_num=page_num or 1, per_page=limit or 20
        )

    def _mutate(
        self,
        action: str,
        method: str,
        path: str,
        *,
        object_id: int | None,
        object_type: str = "workflow",
        json: Any = None,
        detail: Mapping[str, Any] | None = None,
    ) -> Answer:
        """Send a mutating call and report it to the audit hook, whatever the outcome.

        An object the call creates (clone, execution, key) is named in the detail as
        `result_id`; a new workflow is the event's object itself."""
        who = self.actor_id
        if isinstance(json, dict) and isinstance(json.get("name"), str) and action != "post":
            self.known_names[f"{object_type}:{object_id}"] = json["name"]
        try:
            answer = self._transport.request(method, path, json=json)
        except CivisError as exc:
            failure = {**(detail or {}), "error": type(exc).__name__}
            names = self._names_for(object_type, object_id, failure)
            audit.record(
                action, object_type, object_id, "failure", exc.status, who, failure, **names
            )
            raise
        done = dict(detail or {})
        data = answer.data
        result_id = _int_or_none(data.get("id")) if isinstance(data, dict) else None
        if action == "post":
            object_id = result_id
        elif action in ("post_clone", "post_executions", "post_api_keys"):
            done["result_id"] = result_id
        if action in ("post", "put", "patch", "put_archive") and isinstance(data, dict):
            self._learn(f"{object_type}s/{object_id}", data)
        self._learn(path, data)  # a share's answer names the people and groups
        names = self._names_for(object_type, object_id, done)
        audit.record(action, object_type, object_id, "success", answer.status, who, done, **names)
        return answer

    def _names_for(
        self, object_type: str, object_id: int | None, detail: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The object's name and the names of the people or groups in `detail`, if seen."""
        known = self.known_names
        names = {}
        for key, value in detail.items():
            kind = key.removesuffix("_ids").removesuffix("_id")
            for grantee in value if isinstance(value, list) else [value]:
                if f"{kind}:{grantee}" in known:
                    names[f"{kind}:{grantee}"] = known[f"{kind}:{grantee}"]
        return {"object_name": known.get(f"{object_type}:{object_id}", ""), "names": names}


# -- request shaping (bodies are the models of `bodies.py`) ----------------------------------


# Of a notifications body, what the audit log keeps: who is emailed and when. Never the
# subject or body of the email (free text a person wrote), nor the web addresses told.
_AUDITED_NOTIFICATIONS = (
    "success_email_addresses",
    "failure_email_addresses",
    "success_on",
    "failure_on",
    "stall_warning_minutes",
)


def _fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """Audit detail for an edit: which fields changed, and the values only of the schedule, its
    time zone and who gets emails, so the log can say "Schedule set to every weekday at 07:00"
    rather than "Changed its schedule". Free text (name, description, definition, an email's
    subject and body) is never kept."""
    detail: dict[str, Any] = {"fields": sorted(body)}
    schedule = body.get("schedule")
    if isinstance(schedule, Mapping):
        detail["schedule"] = dict(schedule)
    if isinstance(body.get("time_zone"), str):
        detail["time_zone"] = body["time_zone"]
    notifications = body.get("notifications")
    if isinstance(notifications, Mapping):
        detail["emails"] = {
            key: notifications[key] for key in _AUDITED_NOTIFICATIONS if key in notifications
        }
    return detail


def _query(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters without the unset ones; booleans as the API spells them."""
    query: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        query[name] = ("true" if value else "false") if isinstance(value, bool) else value
    return query


def _comma_list(value: str | Iterable[int] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    return ",".join(str(v) for v in value) or None


def _parse(parse: Callable[[Any], T], data: Any) -> T:
    """Typed result from JSON; an answer of the wrong shape is the upstream's failure."""
    try:
        return parse(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unavailable(
            "The Civis API sent an answer the console cannot read.",
            upstream_message=f"unexpected shape: {type(exc).__name__}",
        ) from None


def _parse_list(parse: Callable[[Any], T], data: Any) -> tuple[T, ...]:
    if not isinstance(data, list):
        raise Unavailable("The Civis API sent an answer the console cannot read.")
    return tuple(_parse(parse, item) for item in data)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
