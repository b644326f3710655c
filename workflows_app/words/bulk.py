"""Words of a bulk job while it waits: why it is paused, and an item that will be tried again."""

from __future__ import annotations

PAUSED_FOR_WORKER = (
    "Paused: waiting for a worker. The console starts one again by itself; nothing is lost."
)
PAUSED_UNREACHABLE = (
    "Paused: Civis is not answering. The job carries on by itself as soon as it answers;"
    " a workflow is reported as failed only after {minutes} minutes of trying."
)
PAUSED_RATE = "Paused: Civis asked the console to slow down. The job carries on by itself."
# One job runs per person at a time; the others wait, and start by themselves in turn.
WAITING_FOR_EARLIER_JOB = (
    "Waiting for your earlier job to finish. It starts by itself when that one ends."
)


def trying_again(minutes: int) -> str:
    return (
        "Civis did not answer this time. Trying again by itself"
        f" (it gives up after {minutes} minutes of trying)."
    )


def moved_confirmed(name: str) -> str:
    """A transfer this job had already sent (an earlier try, or a try that got no answer in
    time), seen done when the console looked."""
    return f"Moved to {name} (confirmed on retry)."


def outcome_unknown(what: str) -> str:
    """The last try failed after an earlier one may have changed the workflow, and looking
    did not tell: never "Not changed"."""
    return f"Not known whether it changed: {what} Check the workflow before trying again."
