"""One diff: every page that shows lines changing (the check, conflict and history pages, the
git pages) includes partials/_diffs.html, and the stylesheet styles it with one set of rules, not
a second look for some pages (`.change-page .diff` once restyled the git pages' table)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARTIAL = "partials/_diffs.html"


def test_every_diff_is_the_one_partial():
    templates = ROOT / "templates"
    tables = [
        str(p.relative_to(templates))
        for p in templates.rglob("*.html")
        if re.search(r'class="diff[" ]', p.read_text())
    ]
    assert tables == [PARTIAL]
    users = {p.parent.name for p in templates.rglob("*.html") if f'"{PARTIAL}"' in p.read_text()}
    assert users >= {"editing", "git"}


def test_the_diff_has_one_set_of_styles():
    css = (ROOT / "static" / "css" / "console.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = [
        selector.strip()
        for rule in re.findall(r"([^{}]+)\{", css)
        for selector in rule.split(",")
        if re.search(r"\.diff\b", selector)
    ]
    assert selectors, "the diff's styles are missing"
    assert [s for s in selectors if not s.startswith(".diff")] == []
