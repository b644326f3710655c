"""The one-click demo sign-in (issue 10, item 4): only the people the page offers, a friendly
refusal after the per-person sign-in limit (not a 500), and the key it minted revoked at
sign-out (and when it is refused)."""

from html import unescape

import pytest
from django.core.cache import cache

from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.core import crypto
from workflows_app.core.accounts import signins_by_account
from workflows_app.models import SessionKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(use_local_api, settings):
    settings.DEBUG = True  # the demo sign-in exists only in development against civis_local
    cache.delete("demo-people")


def person(admin_api, username: str):
    return next(p for p in admin_api.search_users(username).items if p.username == username)


def test_the_admin_is_refused_though_the_page_never_offers_them(client, demo, admin_api):
    admin_id = admin_api.users_me().id
    for value in (str(admin_id), "", "x", "١٢", "9" * 40):
        response = client.post("/sign-in/demo/", {"user_id": value})
        assert response.status_code == 400, value
        assert "We could not sign you in as that person" in response.text
    assert not SessionKey.objects.exists()


def keys_of(admin_api, user_id: int) -> list[dict]:
    return admin_api._get(f"users/{user_id}/api_keys")


def test_past_the_per_person_limit_a_friendly_refusal_and_no_key_left(client, demo, admin_api):
    dmitri = person(admin_api, "dvolkov")
    signins_by_account.reset(str(dmitri.id))
    before = {key["id"] for key in keys_of(admin_api, dmitri.id) if not key.get("revokedAt")}
    for _ in range(signins_by_account.limit):
        assert signins_by_account.take(str(dmitri.id))
    response = client.post("/sign-in/demo/", {"user_id": str(dmitri.id)})
    assert response.status_code == 429
    assert "Too many sign-ins for this person. Wait 15 minutes." in response.text
    assert not SessionKey.objects.exists()
    live = {key["id"] for key in keys_of(admin_api, dmitri.id) if not key.get("revokedAt")}
    assert live == before  # the key minted for the refused sign-in was revoked
    signins_by_account.reset(str(dmitri.id))


def test_signing_out_revokes_the_key_the_demo_sign_in_minted(client, demo, admin_api):
    elena = person(admin_api, "egarcia")
    signins_by_account.reset(str(elena.id))
    assert client.post("/sign-in/demo/", {"user_id": str(elena.id)}).status_code == 302
    key = crypto.decrypt(SessionKey.objects.get().encrypted_key)
    endpoint = admin_api.endpoint
    assert CivisClient(key, endpoint=endpoint).users_me().id == elena.id

    client.post("/sign-out/")

    with pytest.raises(errors.Unauthorized):
        CivisClient(key, endpoint=endpoint).users_me()


def test_each_demo_person_says_who_they_are_from_their_groups(client, demo, admin_api):
    """Their groups as the platform lists them (the seed's), read with the button."""
    html = unescape(client.get("/sign-in/").text)
    roles = {"aokafor": "In Data Science and Data Engineering", "pshah": "In IT Operations",
             "jwashington": "In Field Analytics"}  # fmt: skip
    for username, role in roles.items():
        who = person(admin_api, username)
        assert f'aria-describedby="demo-role-{who.id}">Sign in as {who.name}</button>' in html
        assert f'<p class="hint" id="demo-role-{who.id}">{role}</p>' in html
