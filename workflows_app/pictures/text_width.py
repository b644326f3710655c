"""How wide a line of text will be drawn, without a browser: an estimate that errs on the wide
side, so a label cut to fit a column is never clipped or drawn over the next one.

Widths are in ems of a sans-serif face (system-ui at 13 px in the pictures): wide and
full-width characters (CJK, emoji) take a whole em, capitals and m/w more than other letters,
marks that combine with the letter before them nothing. Measured against Chromium's own
widths in tests/runs/test_timeline_narrow_journey.py."""

import unicodedata

NARROW = frozenset("fijlrt.,:;'|! ")
BRACKETS = frozenset("()[]{}")
WIDE_LETTERS = frozenset("mwM@%")
SIGNS = frozenset('<>=+~#&*?"$')
# Bidirectional controls reorder what follows them ("abc\u202egnp.exe" shows as "abcexe.png"):
# a label drawn from upstream text leaves them out (the row's title keeps the text as it came).
BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ELLIPSIS = "…"


def char_em(char: str) -> float:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if ord(char) >= 0x1F000:  # emoji, drawn a little wider than an em
        return 1.15
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in NARROW:
        return 0.35
    if char in BRACKETS:
        return 0.45
    if char in "W…":
        return 1.0
    if char in WIDE_LETTERS:
        return 0.95
    if char.isupper() or char in SIGNS:
        return 0.75
    return 0.62


def text_width(text: str, font_px: float) -> float:
    return sum(char_em(char) for char in text) * font_px


def fit(text: str, width_px: float, font_px: float, keep: str = "") -> str:
    """`text` then `keep`, drawn in at most `width_px`: `text` is cut (never `keep`) and ends
    with an ellipsis when it had to be; bidirectional controls are left out."""
    text = "".join(char for char in text if char not in BIDI_CONTROLS)
    if text_width(text + keep, font_px) <= width_px:
        return text + keep
    room = width_px - text_width(ELLIPSIS + keep, font_px)
    cut, used = [], 0.0
    for char in text:
        used += char_em(char) * font_px
        if used > room:
            break
        cut.append(char)
    while cut and unicodedata.combining(cut[-1]):  # a mark without its letter reads wrong
        cut.pop()
    if cut and "\ud800" <= cut[-1] <= "\udfff":
        cut.pop()
    return "".join(cut).rstrip() + ELLIPSIS + keep
