"""The base page in real Chromium: htmx (served locally by django-htmx) is active."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_base_page_loads_with_htmx_active(live_server, page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto(live_server.url + "/")

    assert page.evaluate("typeof window.htmx") == "object"
    assert page.locator("#htmx-status").get_attribute("data-htmx-status") == "active"
    assert failed == []
    # Every script comes from this server: no CDN.
    sources = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert sources and all(src.startswith(live_server.url) for src in sources)
    assert "X-CSRFToken" in page.locator("body").get_attribute("hx-headers")
