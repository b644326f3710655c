"""Git attachments for seeded workflows: a repository, a branch and a few commits whose
newest one is the workflow's current definition."""

import random
from datetime import timedelta

from ..models import GitAttachment, Workflow
from ..views.git import add_commit

MESSAGES = ["Initial version", "Add error handler", "Tune retry delays", "Rename tasks",
            "Bump job ids after migration"]  # fmt: skip


def attach_git(workflow: Workflow, at, rng: random.Random) -> None:
    slug = "".join(c if c.isalnum() else "-" for c in workflow.name.lower()).strip("-")[:40]
    GitAttachment.objects.create(
        workflow=workflow,
        repo_url="https://github.com/example-org/analytics-workflows.git",
        git_ref="main",
        git_branch="main",
        git_path=f"workflows/{slug or workflow.id}.yml",
        git_ref_type="branch",
        created_at=at - timedelta(days=90),
        updated_at=at - timedelta(days=2),
    )
    commits = rng.randint(2, 4)
    for index in range(commits):
        last = index == commits - 1
        content = workflow.definition if last else workflow.definition + f"# draft {index + 1}\n"
        when = at - timedelta(days=(commits - index) * 7)
        add_commit(workflow, content, MESSAGES[index], workflow.user.name, when)
