"""The people/group picker: fragments over a live civis_local, escaped, cached per viewer."""

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string

from workflows_app.pickers.views import PickerResult, cache_key, results_context

pytestmark = pytest.mark.django_db


def users_calls(counts: dict) -> int:
    return counts.get("GET /users", 0)


def test_people_search_offers_radios_named_for_the_form(actor, sign_in, client):
    sign_in(client, actor("aokafor"))

    response = client.get("/people/search/", {"q": "Tanaka", "field": "user_id"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hiroshi Tanaka" in html and "htanaka" in html
    assert 'name="user_id"' in html and "Choose a person" in html
    assert "<html" not in html  # a fragment, not a page


def test_group_search_shows_member_counts(actor, sign_in, client):
    sign_in(client, actor("aokafor"))

    html = client.get("/groups/search/", {"q": "science"}).content.decode()

    assert "Data Science" in html and "Group of 5 people" in html
    assert 'value="group:' in html and 'name="grantee"' in html


def test_what_the_viewer_typed_and_upstream_names_are_escaped(actor, sign_in, client):
    sign_in(client, actor("aokafor"))

    html = client.get("/pickers/search/", {"q": "<script>alert(1)</script>"}).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    evil = PickerResult("user:9", "<img src=x onerror=alert(1)>", "<b>me</b>", "user")
    rendered = render_to_string(
        "pickers/_results.html", results_context("people", "img", "user_id", [evil])
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered and "<img" not in rendered
    assert "&lt;b&gt;me&lt;/b&gt;" in rendered


def test_field_names_that_are_not_plain_words_fall_back(actor, sign_in, client):
    sign_in(client, actor("aokafor"))

    html = client.get("/people/search/", {"q": "Tanaka", "field": '"><x'}).content.decode()

    assert 'name="grantee"' in html and "&quot;&gt;&lt;x" not in html


def test_results_are_cached_per_viewer(actor, sign_in, client, upstream_calls):
    ada, chiara = actor("aokafor"), actor("cbellini")
    query = "Thompson"
    for who in (ada, chiara):
        cache.delete(cache_key(who.person.id, "people", query))
    sign_in(client, ada)

    before = users_calls(upstream_calls())
    first = client.get("/people/search/", {"q": query}).content.decode()
    again = client.get("/people/search/", {"q": query.lower()}).content.decode()
    assert users_calls(upstream_calls()) == before + 1  # the second came from the cache
    assert "Gwen Thompson" in first and "Gwen Thompson" in again
    assert cache.get(cache_key(ada.person.id, "people", query))

    client.post("/sign-out/")
    sign_in(client, chiara)
    assert "Gwen Thompson" in client.get("/people/search/", {"q": query}).content.decode()
    assert users_calls(upstream_calls()) == before + 2  # Chiara's own look-up, not Ada's


def test_one_viewers_cached_results_never_reach_another(actor, sign_in, client):
    ada, chiara = actor("aokafor"), actor("cbellini")
    secret = {"value": "user:999", "name": "Only Ada May See", "detail": "", "kind": "user"}
    cache.set(cache_key(ada.person.id, "people", "zz-secret"), [secret], 60)

    sign_in(client, chiara)
    html = client.get("/people/search/", {"q": "zz-secret"}).content.decode()
    assert "Only Ada May See" not in html and "No one matches" in html

    client.post("/sign-out/")
    sign_in(client, ada)
    assert "Only Ada May See" in client.get("/people/search/", {"q": "zz-secret"}).content.decode()


def test_the_picker_needs_a_signed_in_viewer(client):
    response = client.get("/people/search/", {"q": "Tanaka"}, headers={"HX-Request": "true"})

    assert response.status_code == 200 and "HX-Redirect" in response.headers
    assert "/sign-in/" in response.headers["HX-Redirect"]


def test_search_still_answers_when_the_cache_is_down(actor, sign_in, client, settings):
    sign_in(client, actor("aokafor"))
    from webui.embedded_redis import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    html = client.get("/people/search/", {"q": "Tanaka"}).content.decode()

    assert "Hiroshi Tanaka" in html
