"""Email: a notice at once, or all of a day's notices in one digest at the time a person chose
(in their zone), or never. Links are absolute (`CONSOLE_BASE_URL`), so they work from a mail
program. A failure episode is emailed once, when it opens: never once per failed run.

Both go through `core.mail.send_with_retry`: a mail server that is down gets the email again
from a worker with growing waits (and an ERROR in the log if it never takes it), so a notice
is marked emailed once it is sent or handed over, and is never sent twice by later sweeps."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from workflows_app.core.mail import send_with_retry
from workflows_app.models import CivisAccount, Notification, NotificationSettings
from workflows_app.words.counts import plural

logger = logging.getLogger(__name__)


def absolute(link: str) -> str:
    return urljoin(settings.CONSOLE_BASE_URL.rstrip("/") + "/", link.lstrip("/"))


def settings_for(account: CivisAccount) -> NotificationSettings:
    found, _ = NotificationSettings.objects.get_or_create(account=account)
    return found


def _account(user) -> CivisAccount | None:
    return CivisAccount.objects.filter(user=user).first()


def deliver(notification: Notification) -> bool:
    """Email this notice now if its person wants emails straight away; a digest picks it up
    later otherwise; True if an email went."""
    account = _account(notification.user)
    if account is None:
        return False
    chosen = settings_for(account).email
    if chosen == NotificationSettings.Email.NEVER:
        Notification.objects.filter(pk=notification.pk).update(email_wanted=False)
        return False
    if chosen != NotificationSettings.Email.IMMEDIATELY or not account.email:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    body = f"{notification.text}\n\n"
    if notification.link:
        body += f"Open it in the console: {absolute(notification.link)}\n"
    body += f"\nAll your notices: {absolute(reverse('notifications:inbox'))}\n"
    body += f"Change how you are emailed: {absolute(reverse('notifications:settings'))}\n"
    try:
        send_with_retry(
            subject_line(notification.text),
            body,
            [account.email],
            what=f"notice {notification.pk}",
        )
    except Exception:  # neither sent nor handed to a worker: keep it for the next sweep
        logger.exception("could not email notice %s", notification.pk)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        return False
    return True


def subject_line(text: str) -> str:
    """A notice's text as a subject: one line (a name from the platform may hold a line
    break, which a mail header must not), at most 120 characters."""
    return "Workflows Console: " + " ".join(text.split())[:120]


def _local_now(chosen: NotificationSettings, now: dt.datetime) -> dt.datetime:
    try:
        zone = zoneinfo.ZoneInfo(chosen.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return now.astimezone(zone)


def digest_due(chosen: NotificationSettings, now: dt.datetime) -> bool:
    local = _local_now(chosen, now)
    if local.time() < chosen.digest_time:
        return False
    return chosen.last_digest_on is None or chosen.last_digest_on < local.date()


def digest_body(notices: list[Notification]) -> str:
    lines = [f"{plural(len(notices), 'thing')} happened to the workflows you watch:", ""]
    for notice in notices:
        when = timezone.localtime(notice.created_at).strftime("%d %b %H:%M")
        line = f"- {when} {notice.get_reason_display()}: {notice.text}"
        if notice.link:
            line += f"\n  {absolute(notice.link)}"
        lines.append(line)
    lines += ["", f"All your notices: {absolute(reverse('notifications:inbox'))}"]
    lines.append(f"Change how you are emailed: {absolute(reverse('notifications:settings'))}")
    return "\n".join(lines) + "\n"


def send_digest(chosen: NotificationSettings, now: dt.datetime) -> bool:
    """One email with every notice waiting for this person's digest; True if one went."""
    account = chosen.account
    local_day = _local_now(chosen, now).date()
    claimed = NotificationSettings.objects.filter(
        pk=chosen.pk, last_digest_on=chosen.last_digest_on
    )
    if not claimed.update(last_digest_on=local_day):
        return False  # another worker sent it
    notices = list(
        Notification.objects.filter(
            user=account.user, email_wanted=True, emailed_at__isnull=True
        ).order_by("created_at", "id")
    )
    if not notices or not account.email:
        return False
    Notification.objects.filter(id__in=[n.id for n in notices]).update(emailed_at=now)
    subject = f"Workflows Console: your daily digest ({plural(len(notices), 'notice')})"
    try:
        send_with_retry(subject, digest_body(notices), [account.email], what=f"digest {chosen.pk}")
    except Exception:  # neither sent nor handed to a worker: tomorrow's digest carries them
        logger.exception("could not email the digest of account %s", account.pk)
        Notification.objects.filter(id__in=[n.id for n in notices]).update(emailed_at=None)
        return False
    return True


def send_digests(now: dt.datetime | None = None) -> int:
    """Send every digest that is due now; returns how many emails went."""
    now = now or timezone.now()
    sent = 0
    wanting = NotificationSettings.objects.filter(email=NotificationSettings.Email.DIGEST)
    for chosen in wanting.select_related("account__user"):
        if digest_due(chosen, now) and send_digest(chosen, now):
            sent += 1
    return sent
