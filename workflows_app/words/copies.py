"""The words of copying a workflow when the platform does not answer one of its calls.

A copy takes two calls (lifecycle/views.py): `post_clone` makes it, named by the platform
("Clone of Workflow <id> <name>"), then `patch_workflow` gives it the name the person chose.
Unanswered at the first, no copy was made (or, sent with no answer, it is not known); at the
second, the copy exists: saying "nothing was changed" would be false."""

from __future__ import annotations

# The second half of the error summary when the copy itself was not answered.
NO_COPY_MADE = "No copy was made. Try again in a minute."
COPY_MAYBE_MADE = (
    "We couldn't tell whether the copy was made. Look for it in your workflows before you "
    "make another."
)

# The page when the copy was made but not renamed.
MADE_NOT_RENAMED_TITLE = "Your copy was made, but not renamed"
RENAME_IT = (
    "Rename it on its page in a minute. There is no need to make the copy again: you would "
    "have two."
)
OPEN_IT = "Open your copy"
RENAME_LINK = "Rename your copy"


def made_not_renamed(source: str, called: str, chosen: str, *, unknown: bool = False) -> str:
    """What happened, in one sentence (plain text; escaped by the template)."""
    if unknown:
        return (
            f"The platform made your copy of “{source}”, but did not answer in time when we "
            f"asked to rename it “{chosen}”, so it may still be called “{called}”."
        )
    return (
        f"The platform made your copy of “{source}”, but did not rename it, so it is called "
        f"“{called}”, not “{chosen}”."
    )
