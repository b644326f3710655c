"""Signing in and out in real Chromium, and what happens when the platform stops taking the key."""

import pytest
import requests

from workflows_app.models import SessionKey

pytestmark = pytest.mark.django_db(transaction=True)


# The one-click demo sign-in exists only with DEBUG on: these journeys stay on the in-process
# live_server, whatever CONSOLE_TEST_SERVER says (the production path's gunicorn has DEBUG off).
@pytest.mark.browser
def test_a_demo_person_signs_in_with_one_click_sees_the_navigation_and_signs_out(
    live_server, page, use_local_api, settings
):
    settings.DEBUG = True  # the demo sign-in exists only in development against civis_local
    page.goto(live_server.url + "/sign-in/")
    buttons = page.get_by_role("button", name="Sign in as ")
    assert buttons.count() >= 10
    name = buttons.first.inner_text().removeprefix("Sign in as ")

    buttons.first.click()

    navigation = page.get_by_role("navigation", name="Main")
    for section in ["Workflows", "Runs", "Transfers", "Audit log"]:
        assert navigation.get_by_role("link", name=section).is_visible()
    assert page.locator(".account__name").inner_text() == name
    assert SessionKey.objects.count() == 1

    page.get_by_role("button", name="Sign out").click()

    assert page.get_by_text("You are signed out.").is_visible()
    assert page.get_by_role("navigation", name="Main").count() == 0
    assert SessionKey.objects.count() == 0


@pytest.mark.browser
def test_a_wrong_key_is_explained_next_to_the_field(console_server, page, use_local_api):
    page.goto(console_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill("not-a-key")
    page.get_by_role("button", name="Sign in", exact=True).click()

    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    assert (
        page.locator(".field-error")
        .inner_text()
        .endswith("This key was not accepted by the platform")
    )


def _revoke_test_keys(api, person_id):
    """Revoke the keys tests minted for this person (never the seed's own keys, which other
    tests use)."""
    headers = {"Authorization": f"Bearer {api.admin_key}"}
    keys = requests.get(f"{api.url}users/{person_id}/api_keys", headers=headers, timeout=10)
    for key in keys.json():
        if key["name"].startswith("console test") and not key.get("revokedAt"):
            requests.delete(
                f"{api.url}users/{person_id}/api_keys/{key['id']}", headers=headers, timeout=10
            ).raise_for_status()


def test_a_key_revoked_upstream_signs_the_person_out(signed_in_client, use_local_api):
    assert signed_in_client.get("/workflows/").status_code == 200
    _revoke_test_keys(use_local_api, signed_in_client.person.id)

    response = signed_in_client.get("/workflows/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/sign-in/")
    assert "no longer accepts your key" in response.text
    assert not SessionKey.objects.exists()


def test_an_htmx_request_with_a_revoked_key_is_sent_to_sign_in(signed_in_client, use_local_api):
    _revoke_test_keys(use_local_api, signed_in_client.person.id)

    response = signed_in_client.get("/workflows/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/sign-in/")


def test_signed_in_pages_are_not_cached(signed_in_client):
    response = signed_in_client.get("/audit/")

    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_demo_sign_in_is_never_offered_outside_development(client, use_local_api, settings):
    settings.DEBUG = False

    assert "Sign in as" not in client.get("/sign-in/").text
    assert client.post("/sign-in/demo/", {"user_id": 2}).status_code == 404


@pytest.mark.browser
def test_times_are_shown_in_the_viewers_zone(live_server, chromium, use_local_api, settings):
    settings.DEBUG = True  # the demo sign-in: on live_server for that reason (see above)
    context = chromium.new_context(timezone_id="America/Chicago")
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_role("button", name="Sign in as ").first.click()

    page.goto(live_server.url + "/workflows/")

    titles = page.eval_on_selector_all("main time[title]", "els => els.map(e => e.title)")
    assert titles and all("CST" in title for title in titles), titles  # Chicago in November
    context.close()
