"""The one summary a bulk job sends when it ends: a notification in the starter's notification
centre (`workflows_app/notifications`, which also shows it once on their next page), and an
email through Django's mail backend."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urljoin

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from workflows_app.core import mail
from workflows_app.models import CivisAccount
from workflows_app.models.bulk import BulkItem, BulkJob, Notification
from workflows_app.words.bulk import with_problems
from workflows_app.words.counts import plural
from workflows_app.words.states import NOT_STARTED

logger = logging.getLogger(__name__)
SENDING_SECONDS = 120
# The sweeper tries a summary again every sweep (10 s) until it is sent or handed to a mail
# worker (which has its own cap: core/mail.py). Past this, counted from the job's end, it
# gives up: an ERROR in the log, and the job marked so no sweep tries again.
GIVE_UP_AFTER = timedelta(hours=24)
# Failures that trying again cannot mend (a header Django refuses, such as an address with a
# line break, comes from the platform's data): given up at the first.
HOPELESS = (ValueError, TypeError)


def summary_words(job: BulkJob, counts: dict[str, int], problems: int = 0) -> str:
    """'<title> has finished: 32 of 32 done, 32 with problems.'"""
    done = counts.get(BulkItem.State.DONE, 0)
    failed = counts.get(BulkItem.State.FAILED, 0)
    skipped = counts.get(BulkItem.State.SKIPPED, 0)
    ended = "was cancelled" if job.state == BulkJob.State.CANCELLED else "has finished"
    words = f"{job.title} {ended}: {done} of {job.total} done"
    if failed:
        words += f", {failed} failed"
    if problems:
        words += f", {with_problems(problems)}"
    if skipped:
        words += f", {skipped} {NOT_STARTED.label.lower()}"
    return words + "."


def send_summary(job_id: int) -> bool:
    """Send the job's summary: one sender at a time (a short lock), and marked sent once the
    email went or a worker has it to retry (core/mail.py); when neither (Redis down too) the
    sweeper sends it again (the notification is made once however often that happens).
    Returns whether it was sent or handed over now."""
    lock = f"bulk-summary-sending:{job_id}"
    if not cache.add(lock, True, SENDING_SECONDS):  # someone is sending it right now
        return False
    try:
        return _send_summary(job_id)
    finally:
        cache.delete(lock)


def mail_subject(title: str) -> str:
    """A header value: a job's title names people, and a name may hold a line break, which
    no mail header may (Django refuses the whole email)."""
    return " ".join(f"Workflows Console: {title}".split())[:200]


def _send_summary(job_id: int) -> bool:
    from workflows_app.bulk.runner import problem_count, state_counts

    job = (
        BulkJob.objects.select_related("started_by")
        .filter(id=job_id, summary_sent_at__isnull=True)
        .first()
    )
    if job is None:
        return False
    counts = state_counts(job_id)
    problems = problem_count(job_id)
    words = summary_words(job, counts, problems)
    failed = counts.get(BulkItem.State.FAILED, 0)
    link = reverse("bulk:detail", args=[job.id])
    since = job.finished_at or job.created_at  # a retried job ends (and is summed up) again
    if not Notification.objects.filter(
        user=job.started_by, link=link, created_at__gte=since
    ).exists():
        Notification.objects.create(
            user=job.started_by,
            level=Notification.Level.WARNING if failed or problems else Notification.Level.SUCCESS,
            text=words,
            link=link,
            reason=Notification.Reason.TRANSFER,
            toast=True,
        )
    account = CivisAccount.objects.filter(user=job.started_by).first()
    if account and account.email:
        page = urljoin(job.parameters.get("console_url") or "", link)
        body = f"{words}\n\nSee every workflow and what happened to it: {page}\n"
        if failed:
            body += "You can retry the failed ones from that page.\n"
        body += _problem_lines(job, problems)
        try:
            # Sent now, or retried by a worker until it goes (never dropped without a word).
            mail.send_with_retry(
                mail_subject(job.title), body, [account.email], what=f"summary of bulk job {job.id}"
            )
        except Exception as error:  # not even handed to a worker (Redis down too)
            if isinstance(error, HOPELESS) or timezone.now() - since > GIVE_UP_AFTER:
                _give_up(job, error)
            else:  # the next sweep tries again
                logger.exception("could not email the summary of bulk job %s", job.id)
            return False
    BulkJob.objects.filter(id=job_id).update(summary_sent_at=timezone.now())
    return True


# The summary names at most this many workflows with problems; the job's page has them all.
PROBLEMS_LISTED = 20


def _problem_lines(job: BulkJob, problems: int) -> str:
    """Each done workflow where something asked for did not happen, with what and who can
    put it right (as on the job's page)."""
    if not problems:
        return ""
    rows = (
        BulkItem.objects.filter(job=job, state=BulkItem.State.DONE)
        .exclude(problem="")
        .order_by("id")
        .values_list("workflow_name", "problem")[:PROBLEMS_LISTED]
    )
    lines = [f"\nFor {plural(problems, 'workflow')}, something you asked for did not happen:\n"]
    lines += [f"- {name}: {problem}\n" for name, problem in rows]
    if problems > PROBLEMS_LISTED:
        lines.append(f"...and {problems - PROBLEMS_LISTED:,} more on the job's page.\n")
    return "".join(lines)


def _give_up(job: BulkJob, error: Exception) -> None:
    """Stop trying to email this summary: said at ERROR, and the job marked as if sent (the
    field means "no more tries"; the summary is still in the starter's notification centre)."""
    logger.error(
        "gave up emailing the summary of bulk job %s (ended %s): %s; it stays in the starter's"
        " notification centre",
        job.id,
        (job.finished_at or job.created_at).isoformat(),
        type(error).__name__,
    )
    BulkJob.objects.filter(id=job.id).update(summary_sent_at=timezone.now())
