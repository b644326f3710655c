"""Words of a bulk job while it waits: why it is paused, and an item that will be tried again;
and of the wizard while a worker looks through many workflows for it."""

from __future__ import annotations

from workflows_app.words.counts import plural, the

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


# Where a wizard's page is: a move has the leaver's own access as a step before the check; an
# archive has nothing to choose, so it goes from the workflows straight to the check.
WIZARD_NAMES = {"transfer": "Move workflows", "share": "Change access",
                "archive": "Archive workflows"}  # fmt: skip
WIZARD_STEPS = {
    "transfer": ("whose", "workflows", "who", "access", "check"),
    "share": ("whose", "workflows", "who", "check"),
    "archive": ("whose", "workflows", "check"),
}


def wizard_step(kind: str, step: str) -> str:
    """'Move workflows · Step 4 of 5': the page `step` of the wizard for `kind`."""
    steps = WIZARD_STEPS[kind]
    return f"{WIZARD_NAMES[kind]} · Step {steps.index(step) + 1} of {len(steps)}"


def leaver_access_hint(others: int) -> str:
    """Under 'Remove <name>'s access everywhere': where it goes (no 'on 0 other workflows')."""
    group = "Access they have through a group stays: the summary will say where."
    if others:
        return f"After each move, and on {plural(others, 'other workflow')}. {group}"
    return f"After each move. {group}"


def leaver_still_manages(moved: int) -> str:
    """What the leaver keeps after a move ('the workflow', 'the 2 workflows'), on the access
    step ('... can still manage the workflow you move') and the check page."""
    return f"can still manage {the(moved, 'workflow')}"


def leaver_access_kept(moved: int) -> str:
    """The check page's line for the leaver's own access when it stays."""
    return f"Kept: they {leaver_still_manages(moved)} moved"


def leaver_access_removed(moved: int, others: int) -> str:
    """The check page's line for the leaver's own access when it goes."""
    after = "after it is moved" if moved == 1 else "after each move"
    words = f"Removed everywhere: on {the(moved, 'workflow')} {after}"
    if others:
        return f"{words}, and on {plural(others, 'other workflow')} you can manage"
    return f"{words}. They have no access of their own to other workflows you can manage"


# The wizard's long reads (bulk/reads.py), done by a worker while the page shows how far it got.
READ_HEADING_OWNED = "Looking at {name}'s workflows"
READ_HEADING_LEAVER = "Looking for {name}'s access to other workflows"
READ_LISTING_OWNED = "Listing the workflows of {name} that you can see…"
READ_LISTING_LEAVER = "Listing every workflow you can see…"
READ_HINT = "This page moves on by itself when it has finished. You can leave it and come back."
READ_SEE_HOW_FAR = "See how far it has got"
READ_TRY_AGAIN = "Try again"
READ_SIGNED_OUT = "The look stopped because you signed out on another page. Sign in and try again."
READ_FAILED = "The look stopped: Civis did not answer as expected. Nothing was changed."
# A look no worker has started yet (reads.waiting): after a little while, then after minutes.
READ_WAITING_FOR_WORKER = (
    "Waiting for the console's background worker to start this look. It may be busy with"
    " other work, such as a transfer; the look starts by itself when it is free."
)
READ_NOT_STARTED = (
    "This look has not started yet: the console's background worker may not be running."
    " This page keeps checking. If nothing changes in a few minutes, tell whoever looks"
    " after the console."
)


def closed_progress(done: int, total: int | None) -> str:
    """The check page while a worker looks at what each moved workflow uses."""
    so_far = "" if total is None else f": {done:,} of {plural(total, 'workflow')}"
    return f"Looking at what each workflow uses that the new owner can't open yet{so_far}…"


def suggestions_progress(done: int, total: int) -> str:
    """The check page while a worker works out who already manages each chosen workflow."""
    return (
        f"Working out who already manages each workflow: {done:,} of {total:,} so far."
        " You can confirm once every one has been looked at."
    )


def afterwards_progress(name: str, done: int, total: int | None) -> str:
    """A finished offboarding job's page while a worker looks at what the leaver can still open."""
    so_far = "" if total is None else f": {done:,} of {plural(total, 'workflow')}"
    return f"Looking at what {name} can still open{so_far}…"


def looking_at(done: int, total: int) -> str:
    """'Looking at 120 of 400 workflows…' ('1 workflow' when there is one)."""
    return f"Looking at {done:,} of {plural(total, 'workflow')}…"


# Things a workflow uses (`list_dependencies`, a transfer's answer), by the platform's `fcoType`.
THING_KINDS = {"workflows": "workflow", "jobs": "job", "scripts": "job", "tables": "table",
               "credentials": "credential", "files": "file", "projects": "project",
               "reports": "report", "imports": "import", "queries": "query"}  # fmt: skip


def thing_kind(fco_type: str | None) -> str:
    """'job' for 'scripts/containers', 'workflow' for 'workflows'; 'item' when unknown."""
    head = (fco_type or "").split("/")[0].strip().lower()
    return THING_KINDS.get(head, "item")


def thing_label(kind: str, name: str | None, thing_id: int) -> str:
    """'Job: Load voter file', or 'a job you cannot open (id 24)' when its name is hidden."""
    if name:
        return f"{kind[:1].upper()}{kind[1:]}: {name}"
    return f"a {kind} you cannot open (id {thing_id})"


def _owners(things: list[dict]) -> str:
    owners = sorted({t["owner"] for t in things if t.get("owner")})
    if owners and all(t.get("owner") for t in things):
        return " and ".join(owners) if len(owners) < 3 else ", ".join(owners)
    return ""


def not_shared(things: list[dict], new_owner: str) -> str:
    """A moved workflow's things that were to be shared with the new owner and were not: what,
    why it matters, and who can share them (`things`: kind, id, name, owner when known)."""
    n = len(things)
    them = "it" if n == 1 else "them"
    labels = "; ".join(
        thing_label(t["kind"], t.get("name"), t["id"])
        + (f" (owned by {t['owner']})" if t.get("owner") else "")
        for t in things
    )
    words = (
        f"{plural(n, 'thing')} it uses {'was' if n == 1 else 'were'} not shared with"
        f" {new_owner}, so this workflow may fail for them: {labels}."
    )
    owners = _owners(things)
    who = (
        f"{owners} (who {'owns' if ' and ' not in owners and ',' not in owners else 'own'}"
        f" {them}) or a Civis admin"
        if owners
        else f"someone who manages {them}, such as {'its' if n == 1 else 'their'} owner,"
        " or a Civis admin"
    )
    return f"{words} You cannot share {them}: ask {who} to give {new_owner} access."


def not_checked(new_owner: str) -> str:
    """A move confirmed on retry whose things could not be looked at afterwards."""
    return (
        f"The console could not check whether what this workflow uses was shared with"
        f" {new_owner}. Open the workflow and check before they run it."
    )


def still_has_access(name: str, what: str) -> str:
    """Offboarding's removal of the leaver's share refused after the move."""
    return (
        f"{name}'s own access was not removed: {what} Someone who can manage this workflow"
        f" can remove it on its sharing page."
    )


def with_problems(count: int) -> str:
    """A finished job's summary, of its done items where something asked for did not happen."""
    return f"{count:,} with problems"


def closed_summary(count: int, workflows: int, unshareable: int, *, shared: bool) -> str:
    """The check page's line for what the moved workflows use that the new owner can't open
    yet, saying plainly which of them the job cannot share ("" when there is nothing)."""
    if not count:
        return ""
    words = f"{plural(count, 'thing')} in {plural(workflows, 'workflow')} (named below): "
    if not shared:
        return words + "not shared, so those workflows may fail for the new owner"
    if not unshareable:
        return words + "shared with the new owner when they are moved"
    who = "only someone who manages each one (such as its owner) or a Civis admin can share it"
    if unshareable == count:
        return words + (
            f"you cannot share {'it' if count == 1 else 'any of them'}, so"
            f" {'it stays' if count == 1 else 'they stay'} closed to the new owner and those"
            f" workflows may fail for them; {who}"
        )
    return words + (
        f"{count - unshareable:,} shared with the new owner when they are moved; the"
        f" {unshareable:,} you cannot share stay closed to them ({who})"
    )


# A workflow's own page, to the person a job moved it to, when the job could not share some
# things it uses with them (bulk/left_closed.py: shown for NOTE_DAYS after the move).
LEFT_CLOSED_HEADING = "Some things this workflow uses may be closed to you"
LEFT_CLOSED_SEE_JOB = "See the job that moved it"


def left_closed_lead(count: int) -> str:
    """Why the panel is there: the move could not share these, so the next run may fail."""
    it = "it" if count == 1 else "they"
    return (
        f"When this workflow was moved to you, {plural(count, 'thing')} it uses"
        f" {'was' if count == 1 else 'were'} not shared with you. Unless {it}"
        f" {'has' if count == 1 else 'have'} been shared since, its next run may fail."
    )


def left_closed_who(owner: str | None) -> str:
    """Who can share one of them: its owner when the job knew them, or a Civis admin."""
    if owner:
        return f"{owner} (its owner) or a Civis admin can share it with you."
    return "Its owner or a Civis admin can share it with you."


def left_closed_moved_by(name: str, job_title: str) -> str:
    """'Moved to you by Priya Shah, in the job “Move 3 workflows owned by …”' (the time
    follows, as a time element)."""
    return f"Moved to you by {name or 'someone'}, in the job “{job_title}”,"


def left_closed_how_long(days: int, count: int) -> str:
    """The rule, said: the console does not look again, and the note goes after `days`."""
    return (
        f"The console does not check whether {'it has' if count == 1 else 'they have'} been"
        f" shared since the move. This note shows on this page for {days} days after the move."
    )
