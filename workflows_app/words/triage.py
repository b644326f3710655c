"""Words of the front page, of watching and of the notification centre."""

from workflows_app.words.counts import plural
from workflows_app.words.states import WAITING_FOR_APPROVAL

# Why a notification was sent (the inbox filters by these); keys are stored on each row.
REASONS = {
    "failed": "Failed",
    "recovered": "Recovered",
    "finished": "Finished",
    "waiting": WAITING_FOR_APPROVAL,
    "did_not_start": "Did not start",
    "running_long": "Running long",
    "transfer": "Transfer finished",
    "shared": "Shared with you",
}

# What a person watching a workflow is told about.
WATCH_MODES = {
    "all": "Every finish",
    "failures": "Failures and recovery",
    "none": "Nothing",
}
WATCH_MODE_HINTS = {
    "all": "A notice each time a run ends, whatever the outcome.",
    "failures": "A notice when it starts failing and when it works again.",
    "none": "No notices about this workflow.",
}

# How a person is emailed.
EMAIL_CHOICES = {
    "now": "Straight away, one email for each problem",
    "digest": "Once a day, all in one email",
    "never": "Never: I'll look in the console",
}


def failed_in_a_row(count: int) -> str:
    return "1 failed run" if count == 1 else f"{count} failed runs in a row"


# The front page while the console has not yet looked at some of the workflows a person watches
# (never "nothing is failing" about workflows not looked at).
def first_look(count: int, asking_for_own: bool = False) -> str:
    if asking_for_own:
        looking = "Asking the platform which workflows are yours…"
    else:
        looking = f"Looking at {plural(count, 'workflow')} you watch for the first time…"
    return f"{looking} This page fills in by itself in a few seconds."


def none_found_yet(count: int) -> str:
    if not count:
        return "None found so far. Still asking which workflows are yours…"
    return f"None found so far. Still looking at {plural(count, 'workflow')}…"
