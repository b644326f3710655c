"""The definition editor in real Chromium (static/js/definition_editor.js): it stays a
textarea with line numbers beside it that a screen reader does not read; Tab, Shift+Tab and
Enter indent as YAML needs (spaces, two at a time, two more after a line ending in ':'), and
Escape then Tab still leaves it, as the hint says; a problem's link puts the caret on its line."""

import re

import pytest
from playwright.sync_api import expect

from .test_journeys import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = """version: "2.0"
workflow:
  tasks:
    extract:
      action: std.noop
    publish:
      action: std.noop"""


def numbers(count: int) -> str:
    return "\n".join(str(n) for n in range(1, count + 1))


def test_the_editor_numbers_lines_and_indents_yaml_and_escape_then_tab_leaves_it(
    console_server, page, owner
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, console_server.url, owner.key)
    page.goto(console_server.url + "/workflows/new/?start=steps")
    definition = page.get_by_label("Definition (YAML)")
    assert definition.evaluate("area => area.tagName") == "TEXTAREA"
    expect(definition).to_have_accessible_description(re.compile(r"press Escape, then Tab"))
    gutter = page.locator(".code-editor__lines")
    expect(gutter).to_have_attribute("aria-hidden", "true")
    expect(gutter).to_have_text(numbers(definition.input_value().count("\n") + 1))

    # Enter keeps the indentation, two more after "name:"; Shift+Tab steps back out.
    definition.fill('version: "2.0"\nworkflow:')
    definition.press("Control+End")
    definition.press("Enter")
    page.keyboard.type("tasks:")
    definition.press("Enter")
    page.keyboard.type("extract:")
    definition.press("Enter")
    page.keyboard.type("action: std.noop")
    definition.press("Enter")
    definition.press("Shift+Tab")
    page.keyboard.type("publish:")
    definition.press("Enter")
    page.keyboard.type("action: std.noop")
    expect(definition).to_have_value(TYPED)
    expect(gutter).to_have_text(numbers(7))
    # The keys fire `input` like typing: the graph preview redraws with the new task.
    expect(page.locator("#graph-preview")).to_contain_text("publish")

    # Tab inserts two spaces and stays in the editor; the browser's undo takes them back.
    definition.press("Tab")
    expect(definition).to_be_focused()
    expect(definition).to_have_value(TYPED + "  ")
    definition.press("Control+z")
    expect(definition).to_have_value(TYPED)

    # Over a selection of lines, Tab indents each and Shift+Tab takes it back.
    definition.press("Control+a")
    definition.press("Tab")
    expect(definition).to_have_value("\n".join("  " + line for line in TYPED.split("\n")))
    definition.press("Shift+Tab")
    expect(definition).to_have_value(TYPED)

    # Escape hands Tab back to the page, in both directions, for that one key.
    definition.press("Escape")
    definition.press("Shift+Tab")
    expect(page.get_by_label("Description (optional)")).to_be_focused()
    definition.focus()
    definition.press("Escape")
    definition.press("Tab")
    expect(definition).not_to_be_focused()
    expect(definition).to_have_value(TYPED)
    definition.focus()
    definition.press("Escape")
    definition.press("End")
    definition.press("Tab")
    expect(definition).to_be_focused()
    expect(definition).to_have_value(TYPED + "  ")

    # At 320 px the numbered editor does not push the page sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the create page is {width} px wide at 320"


def test_a_problems_link_puts_the_caret_on_its_line(console_server, page, owner):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, console_server.url, owner.key)
    page.goto(console_server.url + "/workflows/new/?start=steps")
    definition = page.get_by_label("Definition (YAML)")
    broken = definition.input_value().replace("- load", "- lod")
    definition.fill(broken)
    page.get_by_label("Name").fill("Editor keys test")
    page.get_by_role("button", name="Check and create").click()

    problem = page.get_by_role("alert").get_by_role(
        "link", name=re.compile(r"^Line 11, task clean")
    )
    problem.click()
    expect(definition).to_be_focused()
    line_11 = sum(len(line) + 1 for line in broken.split("\n")[:10])
    caret = definition.evaluate("area => [area.selectionStart, area.selectionEnd]")
    assert caret == [line_11, line_11]
