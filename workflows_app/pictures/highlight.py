"""Workflow definitions shown as highlighted YAML.

Pygments escapes the text and marks tokens with classes; the colours live in console.css (the
CSP forbids inline styles), generated from `YamlStyle` so that every colour is one of the
console's own and passes 4.5:1 on the code background. A test keeps the two in step.
"""

from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import YamlLexer
from pygments.style import Style
from pygments.token import Comment, Keyword, Literal, Name, Number, Punctuation, String, Text

CSS_CLASS = "yaml-source"
BACKGROUND = "#f6f8fa"


class YamlStyle(Style):
    """Few, calm colours: keys in the accent's dark blue, values in green, comments grey."""

    name = "console-yaml"
    background_color = BACKGROUND
    highlight_color = "#fff8c5"
    styles = {
        Text: "#1f2328",
        Comment: "italic #57606a",
        Name.Tag: "bold #0a3069",
        Name.Variable: "#6639ba",
        Name.Label: "#6639ba",
        Keyword: "#a40e26",
        Keyword.Type: "#a40e26",
        Literal.Scalar.Plain: "#116329",
        String: "#116329",
        Number: "#7d4e00",
        Punctuation: "#1f2328",
    }


def _formatter() -> HtmlFormatter:
    return HtmlFormatter(style=YamlStyle, cssclass=CSS_CLASS, wrapcode=True)


def highlight_yaml(text: str | None) -> SafeString:
    """The definition as `<div class="yaml-source"><pre><code>…`, escaped and classed."""
    html = highlight(text or "", YamlLexer(), _formatter())
    return mark_safe(html)  # noqa: S308 - pygments escapes every token


def yaml_style_css() -> str:
    """The rules console.css carries for highlighted YAML."""
    formatter, scope = _formatter(), f".{CSS_CLASS}"
    rules = formatter.get_background_style_defs(scope) + formatter.get_token_style_defs(scope)
    return "\n".join(rules)
