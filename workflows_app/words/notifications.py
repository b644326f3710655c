"""A workflow's notifications in plain words: who hears about what."""

from typing import Any

from workflows_app.words.counts import plural
from workflows_app.words.fields import field


def _addresses(values: Any) -> int:
    return len([value for value in values or () if value])


def describe_notifications(notifications: Any) -> list[str]:
    """One sentence per kind of notice; an empty list when nobody is told anything."""
    if notifications is None:
        return []
    said: list[str] = []
    failure = _addresses(field(notifications, "failure_email_addresses"))
    success = _addresses(field(notifications, "success_email_addresses"))
    urls = _addresses(field(notifications, "urls"))
    if field(notifications, "failure_on") is not False and failure:
        said.append(f"When a run fails, it emails {plural(failure, 'address', 'addresses')}.")
    if field(notifications, "success_on") and success:
        said.append(f"When a run succeeds, it emails {plural(success, 'address', 'addresses')}.")
    if urls:
        said.append(f"It tells {plural(urls, 'web address', 'web addresses')} about each run.")
    stall = field(notifications, "stall_warning_minutes")
    if stall:
        said.append(f"It warns if a run takes longer than {plural(int(stall), 'minute')}.")
    return said
