"""Actors for console tests: people of the demo seed, signed in with keys minted upstream."""

import uuid

import pytest

from workflows_app import accounts
from workflows_app.civis.client import CivisClient


@pytest.fixture
def admin_client(use_local_api):
    return CivisClient(use_local_api.admin_key, endpoint=use_local_api.url)


@pytest.fixture
def demo_person(admin_client):
    """Someone from the demo seed who is not the admin, with a fresh key of their own."""
    me = admin_client.users_me()
    person = next(p for p in admin_client.search_users(limit=50).items if p.id != me.id)
    # A name of its own, so a test may revoke this key and no other (the seed's keys stay).
    key = admin_client.create_api_key(person.id, name=f"console test {uuid.uuid4().hex[:8]}")
    accounts.signins_by_account.reset(str(person.id))  # many tests sign this person in
    return person, key


@pytest.fixture
def signed_in_client(client, demo_person):
    person, key = demo_person
    response = client.post("/sign-in/", {"api_key": key})
    assert response.status_code == 302, response.content
    client.person, client.api_key = person, key
    return client
