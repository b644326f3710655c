"""A workflow's notifications in plain words: who hears about what."""

from collections.abc import Iterable

from workflows_app.civis.types import Notifications
from workflows_app.words.counts import plural

# The emails page flags addresses of people who cannot open the workflow: true whether they
# lost their access or never had it.
CANT_OPEN_HEADING = "Some of these people can't open this workflow"


def cant_open_but_emailed(name: str) -> str:
    return f"{name} can't open this workflow, but would still get its emails."


def _addresses(values: Iterable[str]) -> int:
    return len([value for value in values if value])


def nobody_listed(
    *, failure_on: bool, failures: bool, stall: bool, success_on: bool, successes: bool
) -> list[str]:
    """The kinds of email that are on with no address to go to ("failure", "stall",
    "success"): the one rule the emails page and the workflow page say it by. Stall warnings
    go to the failure addresses. The platform accepts these; the pages only say so."""
    wanted = {"failure": failure_on and not failures, "stall": stall and not failures,
              "success": success_on and not successes}  # fmt: skip
    return [kind for kind, nobody in wanted.items() if nobody]


def describe_notifications(notifications: Notifications | None) -> list[str]:
    """One sentence per kind of notice, then one per kind of email on with nobody to get it
    (NOBODY_GETS); an empty list when nobody is told anything."""
    if notifications is None:
        return []
    said: list[str] = []
    failure = _addresses(notifications.failure_email_addresses)
    success = _addresses(notifications.success_email_addresses)
    urls = _addresses(notifications.urls)
    if notifications.failure_on is not False and failure:
        said.append(f"When a run fails, it emails {plural(failure, 'address', 'addresses')}.")
    if notifications.success_on and success:
        said.append(f"When a run succeeds, it emails {plural(success, 'address', 'addresses')}.")
    if urls:
        said.append(f"It tells {plural(urls, 'web address', 'web addresses')} about each run.")
    stall = notifications.stall_warning_minutes
    if stall:
        said.append(f"It warns if a run takes longer than {plural(stall, 'minute')}.")
    nobody = nobody_listed(
        failure_on=notifications.failure_on is not False,  # on unless turned off
        failures=bool(failure),
        stall=bool(stall),
        success_on=bool(notifications.success_on),
        successes=bool(success),
    )
    return said + [NOBODY_GETS[kind] for kind in nobody]


# An email kind that is on with no address to go to. The platform accepts it; the emails page
# says so by the box or field (with what to do), and the saved message repeats it.
NOBODY_GETS = {
    "failure": "Nobody will get failure emails: no address is listed for them.",
    "stall": "Nobody will get the warning when a run takes too long: it goes to the "
    "addresses for failure emails, and none is listed.",
    "success": "Nobody will get success emails: no address is listed for them.",
}
NOBODY_GETS_WHAT_TO_DO = {
    "failure": "Add an address below, or untick the box if you want no failure emails.",
    "stall": "Add an address for failure emails, or leave the minutes empty.",
    "success": "Add an address below, or untick the box if you want no success emails.",
}
