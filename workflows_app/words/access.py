"""Access levels in plain words: read / write / manage → can view / can edit / can manage."""

_WORDS = {
    "read": "can view",
    "write": "can edit",
    "manage": "can manage",
    "owner": "owner",
}


def describe_access(level: str | None, is_owner: bool = False) -> str:
    """What a person may do with a workflow, in the words the console uses everywhere."""
    if is_owner:
        return "owner"
    key = (level or "").strip().lower()
    if not key:
        return "no access"
    return _WORDS.get(key, f"unknown access ({level})")
