"""Actors for the workflow pages: people of the demo seed, signed in through the sign-in page
with keys the admin mints for them, and the local API's request log."""

import pytest
import requests
from django.core.cache import cache

from tests import helpers
from workflows_app.civis.client import CivisClient

LEAVING = "mwebb"  # owns 30-odd workflows in the demo seed


class SignedIn:
    def __init__(self, person, api: CivisClient):
        self.person, self.api = person, api
        self.id, self.name, self.username = person.id, person.name, person.username


@pytest.fixture
def mint_key(actor):
    """(person, a fresh API key of theirs) for the demo person with this username."""

    def mint(username: str):
        who = actor(username)
        return who.person, who.key

    return mint


@pytest.fixture
def sign_in_as(client, admin_api, mint_key):
    """Sign the test client in as the demo person with this username; returns the Person,
    with `.api` a CivisClient acting as them."""

    def sign_in(username: str):
        person, key = mint_key(username)
        helpers.sign_in(client, key)
        return SignedIn(person, CivisClient(key, endpoint=admin_api.endpoint))

    return sign_in


@pytest.fixture
def marcus(sign_in_as):
    """The person who is leaving: many workflows of his own, some shared with him."""
    return sign_in_as(LEAVING)


class RequestLog:
    """The local API's count of requests by route (GET /_local/requests)."""

    def __init__(self, url: str):
        self.url = url

    def reset(self) -> None:
        requests.post(self.url + "_local/requests/reset", timeout=5).raise_for_status()

    def routes(self) -> dict[str, int]:
        answer = requests.get(self.url + "_local/requests", timeout=5)
        answer.raise_for_status()
        counts = answer.json()["byRoute"]
        return {route: n for route, n in counts.items() if "_local" not in route}


@pytest.fixture
def request_log(use_local_api):
    return RequestLog(use_local_api.url)


@pytest.fixture(autouse=True)
def no_remembered_walks():
    """Each test starts without the name-search walks an earlier test left in the cache (they
    are kept for a minute per viewer and filter set), nor what the list learnt of which
    running workflows are paused (kept for seconds, for everyone)."""
    redis = cache._cache.get_client(write=True)
    for pattern in ("workflows:walk:*", "workflows:paused:*"):
        for key in redis.scan_iter(match=cache.make_key(pattern)):
            redis.delete(key)
