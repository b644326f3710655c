# ruff: noqa: DJ001, DJ008 - null strings are part of the wire (null, not ""); no admin here.
"""The platform objects the local API keeps: people, groups, keys, workflows with their shares,
projects, git attachments, executions, simulated jobs and the notification outbox.

Workflows carry denormalised `state` and last-execution columns so that the list endpoint is
one indexed query without per-row work (see `workflow_state.refresh_workflow_state`).
"""

from django.db import models

READ, WRITE, MANAGE = 1, 2, 3
LEVEL_NAMES = {READ: "read", WRITE: "write", MANAGE: "manage"}
LEVELS_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}


class User(models.Model):
    username = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=200)
    initials = models.CharField(max_length=8)
    is_admin = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    primary_group = models.ForeignKey(
        "Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


class Group(models.Model):
    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=200)
    description = models.TextField(null=True, blank=True)
    members = models.ManyToManyField(User, related_name="member_groups", blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


class ApiKey(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=200)
    token = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.IntegerField(default=0)


class Project(models.Model):
    name = models.CharField(max_length=300)
    description = models.TextField(null=True, blank=True)
    note = models.TextField(null=True, blank=True)
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="projects")
    users = models.ManyToManyField(User, related_name="shared_projects", blank=True)
    auto_share = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


class Workflow(models.Model):
    name = models.CharField(max_length=300)
    description = models.TextField(null=True, blank=True)
    definition = models.TextField(default="")
    valid = models.BooleanField(default=True)
    validation_errors = models.TextField(null=True, blank=True)
    file_id = models.BigIntegerField(null=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="workflows")
    # Denormalised from executions (and schedule): the wire `state` and `lastExecutionId`.
    state = models.CharField(max_length=20, default="idle", db_index=True)
    last_execution_id = models.BigIntegerField(null=True, blank=True)
    scheduled = models.BooleanField(default=False, db_index=True)
    schedule = models.JSONField(default=dict)
    allow_concurrent_executions = models.BooleanField(default=True)
    time_zone = models.CharField(max_length=64, default="America/Chicago")
    next_execution_at = models.DateTimeField(null=True, blank=True)
    notifications = models.JSONField(default=dict)
    archived = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    projects = models.ManyToManyField(Project, related_name="workflows", blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="wf_updated"),
            models.Index(fields=["-created_at", "-id"], name="wf_created"),
            models.Index(fields=["name", "id"], name="wf_name"),
        ]


class Share(models.Model):
    """A user or group share of a workflow. The owner's manage level is implicit."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE)
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE)
    level = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "user"], name="share_user_once"),
            models.UniqueConstraint(fields=["workflow", "group"], name="share_group_once"),
        ]


class GitAttachment(models.Model):
    workflow = models.OneToOneField(Workflow, on_delete=models.CASCADE, related_name="git")
    repo_url = models.CharField(max_length=500, null=True, blank=True)
    git_ref = models.CharField(max_length=200, null=True, blank=True)
    git_branch = models.CharField(max_length=200, null=True, blank=True)
    git_path = models.CharField(max_length=500, null=True, blank=True)
    git_ref_type = models.CharField(max_length=20, null=True, blank=True)
    pull_from_git = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


class GitCommit(models.Model):
    """A commit of the attached file on its branch; the newest is the branch head."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="git_commits")
    commit_hash = models.CharField(max_length=40, db_index=True)
    author_name = models.CharField(max_length=200)
    date = models.DateTimeField()
    message = models.TextField()
    content = models.TextField()
    file_hash = models.CharField(max_length=40)


class Job(models.Model):
    """A simulated job: what a task's run belongs to. `fixture` says how its runs end:
    {"duration": seconds, "outcome": "succeed" | "fail" | "fail_then_succeed", "fail_times": N}.
    """

    name = models.CharField(max_length=300)
    type = models.CharField(max_length=100, default="JobTypes::ContainerDocker")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="jobs")
    # The workflow whose task created the job: its readers may read the job and its runs.
    workflow = models.ForeignKey(
        Workflow, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    fixture = models.JSONField(default=dict)
    hidden = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


class JobRun(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(max_length=20, default="queued")
    error = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The engine's run dict (with its planned end), rendered at read time; None for seeded runs.
    engine_run = models.JSONField(null=True, blank=True)


class Execution(models.Model):
    """A workflow execution. `engine_state` is the engine's JSON state while it can still change;
    the wire fields (state, tasks, times) are kept rendered so reads of finished executions and
    lists cost no engine work."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="executions")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    state = models.CharField(max_length=20, default="queued")
    mistral_state = models.CharField(max_length=20, default="running")
    mistral_state_info = models.TextField(null=True, blank=True)
    definition = models.TextField(default="")
    input = models.JSONField(default=dict)
    included_tasks = models.JSONField(default=list)
    target_task = models.CharField(max_length=200, null=True, blank=True)
    tasks = models.JSONField(default=list)
    engine_state = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["workflow", "-id"], name="exec_by_workflow"),
            models.Index(fields=["mistral_state"], name="exec_by_mistral_state"),
        ]


class OutboxMessage(models.Model):
    """A notification the platform would have sent (e-mail or webhook POST)."""

    kind = models.CharField(max_length=40)
    workflow_id = models.BigIntegerField(null=True)
    execution_id = models.BigIntegerField(null=True)
    event = models.JSONField(default=dict)  # the engine's notification event, as given
    created_at = models.DateTimeField()


class JobShare(models.Model):
    """A user's permission on a job (the dependencies a workflow transfer may share)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    level = models.SmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "user"], name="job_share_once")]
