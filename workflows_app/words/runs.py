"""Words for runs. "Run" alone is always a run of a workflow ("Run 2481"). A task of that run
starts platform jobs, and each time a job runs it has a number of its own: such a run is
always named with its job ("job 110 (its run 4806)", "job run 2 of 4"), so a page that
shows both never means two things by one word."""

from workflows_app.words.counts import plural

JOB_RUN = "job {job} (its run {run})"


def job_run(job_id: int | None, run_id: int, *, leading: bool = False) -> str:
    """'job 110 (its run 4806)'; 'Job 110 (its run 4806)' to start a sentence."""
    said = JOB_RUN.format(job=job_id, run=run_id) if job_id is not None else f"job run {run_id}"
    return said[:1].upper() + said[1:] if leading else said


def which_run(number: int, total: int, *, of_job: bool = True) -> str:
    """Which of a task's runs a timeline row is: ' (job run 2 of 4)', or for a workflow the
    task started ' (workflow run 2 of 4)'; nothing when the task ran once."""
    if total == 1:
        return ""
    kind = "job run" if of_job else "workflow run"
    return f" ({kind} {number} of {total})"


# The runs index (/executions/): what it lists, and what it leaves out.
RUNS_INDEX_LEAD = "Recent runs of the workflows you can see, newest first."


def runs_index_scope(sweep_workflows: int, per_workflow: int) -> str:
    return (
        f"This is not every run. It lists the latest {plural(per_workflow, 'run')} of each "
        f"of the {plural(sweep_workflows, 'workflow')} you can see that changed most "
        "recently, and runs of other workflows once you watch them or open their page. To see "
        "every run of one workflow, open the workflow and choose “See every run”."
    )
