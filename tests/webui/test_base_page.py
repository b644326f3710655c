"""The base page in real Chromium: htmx (served locally by django-htmx) is active."""

import pytest

from tests.conftest import GUNICORN

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_base_page_loads_with_htmx_active(console_server, page, use_local_api):
    # use_local_api: the session's upstream, so on gunicorn this shares the journeys' server.
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    answer = page.goto(console_server.url + "/")

    if GUNICORN:  # CI's production path: Chromium really talks to gunicorn
        assert answer.headers["server"].startswith("gunicorn")

    assert page.evaluate("typeof window.htmx") == "object"
    assert page.locator("#htmx-status").get_attribute("data-htmx-status") == "active"
    assert failed == []
    # Every script comes from this server: no CDN.
    sources = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert sources and all(src.startswith(console_server.url) for src in sources)
    assert "X-CSRFToken" in page.locator("body").get_attribute("hx-headers")
