"""Model → wire JSON, in the shapes of openapi-subset.json and its recorded examples."""

from .models import LEVEL_NAMES, Execution, Group, Job, JobRun, Project, User, Workflow
from .wire import timestamp

EMPTY_SCHEDULE = {
    "scheduled": None,
    "scheduled_days": [],
    "scheduled_hours": [],
    "scheduled_minutes": [],
    "scheduled_runs_per_hour": None,
    "scheduled_days_of_month": [],
}
DEFAULT_NOTIFICATIONS = {
    "urls": [],
    "success_email_subject": None,
    "success_email_body": None,
    "success_email_addresses": [],
    "failure_email_addresses": [],
    "stall_warning_minutes": None,
    "success_on": True,
    "failure_on": True,
}
PROJECT_OBJECT_LISTS = [
    "tables",
    "surveys",
    "scripts",
    "imports",
    "exports",
    "models",
    "notebooks",
    "services",
    "reports",
    "scriptTemplates",
    "files",
    "enhancements",
    "projects",
    "allObjects",
]
ORGANIZATION = {"id": 1, "name": "Civis Local", "slug": "civis_local"}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def camel_keys(mapping: dict) -> dict:
    return {camel(key): value for key, value in mapping.items()}


def user_simple(user: User) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "initials": user.initials,
        "online": False,
    }


def schedule(workflow: Workflow) -> dict:
    return camel_keys({**EMPTY_SCHEDULE, **(workflow.schedule or {})})


def notifications(workflow: Workflow) -> dict:
    return camel_keys({**DEFAULT_NOTIFICATIONS, **(workflow.notifications or {})})


def workflow_summary(workflow: Workflow) -> dict:
    return {
        "id": workflow.id,
        "name": workflow.name,
        "description": workflow.description,
        "valid": workflow.valid,
        "fileId": None if workflow.file_id is None else str(workflow.file_id),
        "user": user_simple(workflow.user),
        "state": workflow.state,
        "schedule": schedule(workflow),
        "allowConcurrentExecutions": workflow.allow_concurrent_executions,
        "timeZone": workflow.time_zone,
        "nextExecutionAt": timestamp(workflow.next_execution_at),
        "archived": workflow.archived,
        "createdAt": timestamp(workflow.created_at),
        "updatedAt": timestamp(workflow.updated_at),
    }


def workflow_detail(workflow: Workflow, level: int) -> dict:
    summary = workflow_summary(workflow)
    return {
        "id": workflow.id,
        "name": workflow.name,
        "description": workflow.description,
        "definition": workflow.definition,
        "valid": workflow.valid,
        "validationErrors": workflow.validation_errors,
        "fileId": summary["fileId"],
        "user": summary["user"],
        "state": workflow.state,
        "lastExecutionId": workflow.last_execution_id,
        "schedule": summary["schedule"],
        "allowConcurrentExecutions": workflow.allow_concurrent_executions,
        "timeZone": workflow.time_zone,
        "nextExecutionAt": summary["nextExecutionAt"],
        "notifications": notifications(workflow),
        "archived": workflow.archived,
        "hidden": workflow.hidden,
        "myPermissionLevel": LEVEL_NAMES[level],
        "createdAt": summary["createdAt"],
        "updatedAt": summary["updatedAt"],
    }


def execution_summary(execution: Execution) -> dict:
    return {
        "id": execution.id,
        "state": execution.state,
        "mistralState": execution.mistral_state,
        "mistralStateInfo": execution.mistral_state_info,
        "user": user_simple(execution.user),
        "startedAt": timestamp(execution.started_at),
        "finishedAt": timestamp(execution.finished_at),
        "createdAt": timestamp(execution.created_at),
        "updatedAt": timestamp(execution.updated_at),
    }


def task(stored: dict, level: int, child_levels: dict[int, int]) -> dict:
    """A stored task (wire shape without permission levels) with the caller's levels added."""
    return {
        "name": stored["name"],
        "mistralState": stored.get("mistralState"),
        "mistralStateInfo": stored.get("mistralStateInfo"),
        "runs": [{**run, "myPermissionLevel": LEVEL_NAMES[level]} for run in stored["runs"]],
        "executions": [
            {**child, "myPermissionLevel": _level_name(child_levels.get(child["workflowId"]))}
            for child in stored["executions"]
        ],
    }


def _level_name(level: int | None) -> str | None:
    return LEVEL_NAMES.get(level) if level else None


def execution_detail(execution: Execution, level: int, child_levels: dict[int, int]) -> dict:
    return {
        **execution_summary(execution),
        "definition": execution.definition,
        "input": execution.input or {},
        "includedTasks": execution.included_tasks or [],
        "tasks": [task(stored, level, child_levels) for stored in execution.tasks or []],
    }


def user_group(group: Group) -> dict:
    return {
        "id": group.id,
        "name": group.name,
        "slug": group.slug,
        "organizationId": ORGANIZATION["id"],
        "organizationName": ORGANIZATION["name"],
    }


def user_summary(user: User, groups: list[Group]) -> dict:
    return {
        "id": user.id,
        "user": user.username,
        "name": user.name,
        "email": user.email,
        "active": user.active,
        "primaryGroupId": user.primary_group_id,
        "groups": [user_group(group) for group in groups],
        "createdAt": timestamp(user.created_at),
        "currentSignInAt": None,
        "updatedAt": timestamp(user.updated_at),
        "lastSeenAt": None,
        "suspended": False,
        "createdById": None,
        "lastUpdatedById": None,
    }


def user_detail(user: User, groups: list[Group], my_level: str) -> dict:
    return {
        **user_summary(user, groups),
        "city": None,
        "state": None,
        "timeZone": "America/Chicago",
        "initials": user.initials,
        "department": None,
        "title": "Administrator" if user.is_admin else None,
        "githubUsername": None,
        "prefersSmsOtp": False,
        "vpnEnabled": None,
        "ssoDisabled": None,
        "otpRequiredForLogin": None,
        "exemptFromOrgSmsOtpDisabled": None,
        "smsOtpAllowed": False,
        "robot": False,
        "phone": None,
        "organizationSlug": ORGANIZATION["slug"],
        "organizationSSODisableCapable": False,
        "organizationLoginType": "password",
        "organizationSmsOtpDisabled": None,
        "myPermissionLevel": my_level,
        "unconfirmedEmail": None,
        "accountStatus": "Active" if user.active else "Deactivated",
    }


def user_me(user: User, groups: list[Group]) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "username": user.username,
        "initials": user.initials,
        "lastCheckedAnnouncements": None,
        "featureFlags": {},
        "roles": ["admin"] if user.is_admin else ["sdm"],
        "preferences": {},  # the spec types values as strings, the platform sends booleans
        "customBranding": None,
        "primaryGroupId": user.primary_group_id,
        "groups": [user_group(group) for group in groups],
        "organizationName": ORGANIZATION["name"],
        "organizationSlug": ORGANIZATION["slug"],
        "organizationDefaultThemeId": None,
        "createdAt": timestamp(user.created_at),
        "signInCount": 1,
        "assumingRole": False,
        "roleAssumer": None,
        "assumingAdmin": False,
        "assumingAdminExpiration": None,
        "superadminModeExpiration": None,
        "disableNonCompliantFedrampFeatures": False,
        "personaRole": None,
        "createdById": None,
        "lastUpdatedById": None,
    }


def group(group: Group, members: list[User], detail: bool) -> dict:
    body = {
        "id": group.id,
        "name": group.name,
        "createdAt": timestamp(group.created_at),
        "updatedAt": timestamp(group.updated_at),
        "description": group.description,
        "slug": group.slug,
        "organizationId": ORGANIZATION["id"],
        "organizationName": ORGANIZATION["name"],
        "memberCount": len(members),
        "totalMemberCount": len(members),
        "lastUpdatedById": None,
        "createdById": None,
    }
    if detail:
        body.update(
            {
                "defaultOtpRequiredForLogin": None,
                "roleIds": [],
                "defaultTimeZone": None,
                "defaultJobsLabel": None,
                "defaultNotebooksLabel": None,
                "defaultServicesLabel": None,
            }
        )
        body["members"] = [
            {
                **user_simple(member),
                "email": member.email,
                "primaryGroupId": member.primary_group_id,
                "active": member.active,
            }
            for member in members
        ]
    else:
        body["members"] = [user_simple(member) for member in members]
    return body


def project_summary(project: Project, users: list[User]) -> dict:
    return {
        "id": project.id,
        "author": user_simple(project.author),
        "name": project.name,
        "description": project.description,
        "users": [user_simple(user) for user in users],
        "autoShare": project.auto_share,
        "createdAt": timestamp(project.created_at),
        "updatedAt": timestamp(project.updated_at),
        "archived": project.archived,
    }


def project_detail(project: Project, users: list[User], workflows: list, level: str) -> dict:
    return {
        **project_summary(project, users),
        **{key: [] for key in PROJECT_OBJECT_LISTS},
        "workflows": [
            {
                "id": workflow.id,
                "createdAt": timestamp(workflow.created_at),
                "updatedAt": timestamp(workflow.updated_at),
                "name": workflow.name,
                "state": workflow.state,
                "lastExecution": None
                if workflow.last_execution_id is None
                else {"state": workflow.state, "updatedAt": timestamp(workflow.updated_at)},
            }
            for workflow in workflows
        ],
        "note": project.note,
        "canCurrentUserEnableAutoShare": level == "manage",
        "hidden": project.hidden,
        "parentProject": None,
        "myPermissionLevel": level,
    }


def job_run(run: JobRun) -> dict:
    return {
        "id": run.id,
        "state": run.state,
        "createdAt": timestamp(run.created_at),
        "startedAt": timestamp(run.started_at),
        "finishedAt": timestamp(run.finished_at),
        "error": run.error,
    }


def job(job: Job, runs: list[JobRun], level: str) -> dict:
    last = runs[0] if runs else None
    return {
        "id": job.id,
        "name": job.name,
        "type": job.type,
        "fromTemplateId": None,
        "state": last.state if last else "idle",
        "createdAt": timestamp(job.created_at),
        "updatedAt": timestamp(job.updated_at),
        "lastRunUpdatedAt": timestamp((last.finished_at or last.created_at) if last else None),
        "runs": [job_run(run) for run in runs],
        "lastRun": job_run(last) if last else None,
        "hidden": job.hidden,
        "archived": job.archived,
        "author": user_simple(job.author),
        "myPermissionLevel": level,
        "successEmailSubject": None,
        "successEmailBody": None,
        "runningAsUser": job.author.username,
        "runByUser": job.author.username,
        "schedule": camel_keys(EMPTY_SCHEDULE),
    }
