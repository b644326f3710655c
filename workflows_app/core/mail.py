"""The one way the console sends email: `send_with_retry`.

It tries at once; when the mail server does not take the message, a Celery worker tries again
with growing waits (MAIL_RETRY_FIRST_WAIT seconds, doubling, at most 30 minutes, so below the
broker's visibility timeout), up to MAIL_RETRY_TRIES times, and says so in the log at ERROR
when it gives up. A message is never dropped without a word in the log. SMTP settings come from
the environment (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
EMAIL_USE_SSL, DEFAULT_FROM_EMAIL; see .env.example).
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

LONGEST_WAIT = 1800.0
# What a mail server that is down, slow or refusing looks like from here.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def retry_wait(tries: int) -> float:
    """Seconds before the next try, after `tries` failed ones (1, 2, ...)."""
    first = float(getattr(settings, "MAIL_RETRY_FIRST_WAIT", 30))
    return min(LONGEST_WAIT, first * 2 ** max(tries - 1, 0))


def send_with_retry(subject: str, body: str, to: list[str], *, what: str) -> bool:
    """Email `body` to `to` now, or hand it to a worker that tries again until it goes (see the
    module). `what` names the email in the log (never the body: it may name people). True when
    it went now; False when a worker has it. Raises only when it could neither be sent nor
    handed over (the broker is down too): the caller must keep it."""
    try:
        send_mail(subject, body, None, list(to))
        return True
    except MAIL_ERRORS as exc:
        logger.warning("could not email %s now (%s); trying again later", what, type(exc).__name__)
    send_later.apply_async(
        (subject, body, list(to), what), countdown=retry_wait(1), queue=settings.MAIL_QUEUE
    )
    return False


@shared_task(bind=True, name="mail.send", acks_late=True, ignore_result=True)
def send_later(self, subject: str, body: str, to: list[str], what: str) -> None:
    """A later try of `send_with_retry`; retries itself with a growing wait."""
    tries = self.request.retries + 2  # the first try was send_with_retry's own
    try:
        send_mail(subject, body, None, list(to))
    except MAIL_ERRORS as exc:
        limit = int(getattr(settings, "MAIL_RETRY_TRIES", 10))
        if tries >= limit:
            logger.error(
                "gave up emailing %s to %s after %d tries: %s", what, ", ".join(to), tries, exc
            )
            return
        wait = retry_wait(tries)
        logger.warning(
            "could not email %s (try %d of %d); again in %.0f s", what, tries, limit, wait
        )
        raise self.retry(countdown=wait, max_retries=None, queue=settings.MAIL_QUEUE) from exc
    logger.info("emailed %s after %d tries", what, tries)
