"""Access levels: the platform's words (read / write / manage), the console's words (can view /
can edit / can manage), their order, and what each allows. The one place these are defined."""

# The platform's levels, weakest first.
LEVELS = ("read", "write", "manage")

# Not a platform level: the workflow list's word for a row whose level a worker is reading
# now (access/backfill.py); the next load of the list shows the level itself.
BEING_CHECKED = "checking"
_WORDS = {
    "read": "can view",
    "write": "can edit",
    "manage": "can manage",
    "owner": "owner",
    BEING_CHECKED: "being checked…",
}
# For radio buttons and selects: ("read", "Can view"), ...
LEVEL_CHOICES = [(level, _WORDS[level].capitalize()) for level in LEVELS]
LEVEL_HINTS = {
    "read": "See the workflow, its runs and their logs.",
    "write": "Also change it, run it, and cancel or retry its runs.",
    "manage": "Also decide who has access, and make someone else the owner.",
}


def rank(level: str | None) -> int:
    """0 for no access, then 1, 2, 3 for read, write, manage."""
    key = (level or "").strip().lower()
    return LEVELS.index(key) + 1 if key in LEVELS else 0


def at_least(level: str | None, needed: str) -> bool:
    """Whether `level` allows what `needed` allows (manage allows edit allows view)."""
    return rank(level) >= rank(needed)


def access_verb(level: str) -> str:
    """'view', 'edit' or 'manage': what a level lets someone do ("it needs edit access")."""
    return _WORDS[level].removeprefix("can ")


def describe_access(level: str | None, is_owner: bool = False) -> str:
    """What a person may do with a workflow, in the words the console uses everywhere."""
    if is_owner:
        return "owner"
    key = (level or "").strip().lower()
    if not key:
        return "no access"
    return _WORDS.get(key, f"unknown access ({level})")
