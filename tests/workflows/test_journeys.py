"""Journeys in real Chromium against the live console and civis_local: find a workflow by
searching, open it and read its graph, YAML and recent runs; back and refresh after a swap;
the same reading without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import LEAVING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp"


def sign_in_page(page, base: str, key: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def result_names(page):
    return page.locator(".wf-table__name > a")


def test_find_a_workflow_by_search_then_open_it(console_server, page, mint_key):
    _, key = mint_key(LEAVING)
    sign_in_page(page, console_server.url, key)
    page.goto(console_server.url + "/workflows/")
    page.evaluate("window.__samePage = true")
    expect(page.get_by_role("heading", name="Workflows", exact=True)).to_be_visible()
    page.screenshot(path=f"{SHOTS}/workflows_list.png", full_page=True)

    page.get_by_label("Name contains").fill("voter file")
    expect(page.locator(".wf-count")).to_contain_text("with “voter file” in the name")
    expect(page).to_have_url(re.compile(r"q=voter(\+|%20)file"))
    assert page.evaluate("window.__samePage === true"), "the results were swapped in place"
    names = result_names(page).all_inner_texts()
    assert names and all("voter file" in name.lower() for name in names)
    page.screenshot(path=f"{SHOTS}/workflows_search.png", full_page=True)

    # Refresh: the pushed URL renders the whole page with the same search.
    page.reload()
    expect(page.get_by_label("Name contains")).to_have_value("voter file")
    assert result_names(page).all_inner_texts() == names

    target = names[0]
    result_names(page).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(target)
    expect(page.locator("figure.task-graph svg")).to_be_visible()
    expect(page.locator(".task-list")).to_be_visible()
    expect(page.locator(".yaml-source")).to_be_visible()
    expect(page.get_by_role("heading", name="Recent runs")).to_be_visible()
    recent = page.locator("#recent-runs + table a[href*='/executions/']")
    expect(recent.first).to_be_visible()
    expect(page.get_by_role("link", name="Run this workflow")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/workflow_detail.png", full_page=True)

    page.go_back()
    expect(page.get_by_label("Name contains")).to_have_value("voter file")
    assert result_names(page).all_inner_texts() == names


def test_filters_and_sorting_swap_results_and_back_returns(console_server, page, mint_key):
    _, key = mint_key(LEAVING)
    sign_in_page(page, console_server.url, key)
    page.goto(console_server.url + "/workflows/?owner=mine&per_page=10&sort=name")
    first_page = result_names(page).all_inner_texts()
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".wf-count")).to_contain_text("page 2 of")
    second_page = result_names(page).all_inner_texts()
    assert not set(first_page) & set(second_page)
    assert first_page + second_page == sorted(first_page + second_page)
    page.get_by_role("link", name="Name").click()  # sorted by name already: now Z to A
    expect(page).to_have_url(re.compile(r"dir=desc"))
    expect(page.locator(".wf-count")).not_to_contain_text("page 2 of")
    backwards = result_names(page).all_inner_texts()
    assert backwards == sorted(backwards, reverse=True)
    page.go_back()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".wf-count")).to_contain_text("page 2 of")


def test_run_history_and_run_form_render(console_server, page, mint_key):
    person, key = mint_key(LEAVING)
    sign_in_page(page, console_server.url, key)
    page.goto(console_server.url + "/workflows/?owner=mine&state=failed")
    result_names(page).first.click()
    page.get_by_role("link", name="See every run").click()
    expect(page.locator(".duration-chart svg[role='img']")).to_be_visible()
    expect(page.locator(".duration-chart__rate")).to_contain_text("succeeded")
    page.screenshot(path=f"{SHOTS}/workflow_executions.png", full_page=True)
    page.get_by_label("Outcome").select_option("failed")
    expect(page).to_have_url(re.compile(r"state=failed"))
    for outcome in page.locator("td[data-label='Outcome']").all_inner_texts():
        assert "Failed" in outcome
    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Run this workflow").click()
    expect(page.get_by_role("button", name="Start the run")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/workflow_run.png", full_page=True)


def test_reading_works_without_javascript(console_server, chromium, mint_key):
    _, key = mint_key(LEAVING)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_page(page, console_server.url, key)
        page.goto(console_server.url + "/workflows/")
        page.get_by_label("Name contains").fill("voter file")
        page.get_by_role("button", name="Show workflows").click()
        expect(page).to_have_url(re.compile(r"q=voter(\+|%20)file"))
        names = result_names(page).all_inner_texts()
        assert names and all("voter file" in name.lower() for name in names)
        result_names(page).first.click()
        expect(page.locator("figure.task-graph svg")).to_be_visible()
    finally:
        context.close()


def test_pages_fit_a_narrow_screen(console_server, chromium, mint_key):
    _, key = mint_key(LEAVING)
    context = chromium.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in_page(page, console_server.url, key)
        page.goto(console_server.url + "/workflows/?owner=mine&q=voter+file")
        result_names(page).first.click()
        expect(page.locator("figure.task-graph")).to_be_visible()
        detail = page.url
        for url, shot in (
            (console_server.url + "/workflows/?owner=mine&per_page=10", "workflows_list_narrow"),
            (detail, "workflow_detail_narrow"),
            (detail + "executions/", "workflow_executions_narrow"),
        ):
            page.goto(url)
            page.screenshot(path=f"{SHOTS}/{shot}.png", full_page=True)
            page.screenshot(path=f"{SHOTS}/{shot}_top.png")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (shot, width)
    finally:
        context.close()
