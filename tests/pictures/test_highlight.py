"""Highlighted YAML: escaped, classed, styled only from console.css, and readable."""

import re
from pathlib import Path

from pygments.style import Style

from tests.words.contrast import contrast_ratio
from workflows_app.pictures.highlight import (
    BACKGROUND,
    YamlStyle,
    highlight_yaml,
    yaml_style_css,
)

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "console.css"


def test_yaml_is_escaped_and_marked_with_classes():
    html = highlight_yaml("wf:\n  tasks:\n    '<script>alert(1)</script>': {action: std.noop}\n")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.startswith('<div class="yaml-source"><pre>')
    assert '<span class="nt">tasks</span>' in html


def test_no_inline_styles_because_the_csp_forbids_them():
    html = highlight_yaml("a: 1 # note\nb: [x, 'y']\n")
    assert "style=" not in html


def test_console_css_carries_the_token_rules():
    css = CSS.read_text()
    for rule in yaml_style_css().splitlines():
        assert rule in css


def test_token_rules_do_not_leak_outside_the_yaml_block():
    for rule in yaml_style_css().splitlines():
        assert rule.startswith(".yaml-source"), rule


def test_every_token_colour_passes_4_5_to_1_on_the_code_background():
    colours = set()
    for _, style in YamlStyle:
        if style["color"]:
            colours.add("#" + style["color"])
    assert len(colours) >= 5
    for colour in colours:
        assert contrast_ratio(colour, BACKGROUND) >= 4.5, colour
    assert issubclass(YamlStyle, Style)
    assert not re.search(r"bg:", " ".join(YamlStyle.styles.values()))


def test_empty_definitions_render_an_empty_block():
    assert "yaml-source" in highlight_yaml(None)
