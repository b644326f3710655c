"""Status tags and the pictures read at 4.5:1 or better, with colours from console.css."""

import re
from pathlib import Path

import pytest

from workflows_app.pictures.graph_svg import PALETTE, TONE_COLOURS
from workflows_app.words.states import TONES

from .contrast import contrast_ratio

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "console.css").read_text()


def custom_properties() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS, re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", root))


def rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, f"no rule for {selector}"
    return match.group(1)


def var(declarations: str, prop: str) -> str:
    name = re.search(rf"(?<![-\w]){prop}:\s*var\(--([\w-]+)\)", declarations).group(1)
    return custom_properties()[name]


@pytest.mark.parametrize("tone", TONES)
def test_status_tag_text_passes_4_5_to_1_on_its_background(tone):
    declarations = rule(f".status-tag--{tone}")
    text, background = var(declarations, "color"), var(declarations, "background")
    assert contrast_ratio(text, background) >= 4.5


def test_the_svg_fallback_colours_match_the_stylesheet():
    properties = custom_properties()
    for name, colour in PALETTE.items():
        assert properties[name].lower() == colour.lower(), name


@pytest.mark.parametrize("tone", TONES)
def test_text_in_coloured_task_boxes_passes_4_5_to_1(tone):
    fill, outline = TONE_COLOURS[tone]
    assert contrast_ratio(PALETTE["text"], PALETTE[fill]) >= 4.5
    assert contrast_ratio(PALETTE[outline], PALETTE[fill]) >= 3  # non-text contrast


def test_the_focus_ring_stands_out_3_to_1_from_every_page_background():
    """WCAG 1.4.11 (issue 10, item 8): the ring is drawn 2px outside the element, on the page
    or a panel."""
    colours = custom_properties()
    assert "var(--focus)" in rule(":focus-visible")
    for background in ("bg", "surface", "neutral-bg", "info-bg", "warn-bg", "bad-bg", "ok-bg"):
        ratio = contrast_ratio(colours["focus"], colours[background])
        assert ratio >= 3, (background, round(ratio, 2))


def test_link_colours_stand_out_from_the_picture_background():
    for colour in ("ok", "bad", "muted"):
        assert contrast_ratio(PALETTE[colour], PALETTE["surface"]) >= 4.5
