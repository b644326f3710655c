"""Counting things in words: '1 workflow', '24 workflows', 'was' / 'were'. The one place the
console pluralises."""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 workflow', '24 workflows', '1,024 workflows'; never 'workflow(s)'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def all_of(count: int, singular: str, plural_form: str | None = None) -> str:
    """'the only run', 'both runs', 'all 24 runs': for a link to the whole list."""
    if count == 1:
        return f"the only {singular}"
    if count == 2:
        return f"both {plural_form or singular + 's'}"
    return f"all {plural(count, singular, plural_form)}"


def the(count: int, singular: str, plural_form: str | None = None) -> str:
    """'the workflow', 'the 24 workflows': a counted set already named ("the 1 workflow" reads
    as a mistake)."""
    return f"the {singular}" if count == 1 else f"the {plural(count, singular, plural_form)}"


def agree(count: int, one: str, many: str) -> str:
    """The word that agrees with `count`: agree(1, "was", "were") -> "was"."""
    return one if count == 1 else many
