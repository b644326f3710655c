"""Actors and data for bulk-job tests: a private local API (bulk transfers move a lot of
ownership, so they never touch the session's shared demo server), its people, and workflows
made through the API for one owner."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth import get_user_model

from tests.conftest import LocalApi
from workflows_app.civis.client import CivisClient
from workflows_app.models import CivisAccount


class PrivateApi:
    """A private `runlocalapi` with the demo seed, plus the few things tests do to it."""

    def __init__(self, api: LocalApi) -> None:
        self.api = api
        self.url = api.url
        self.admin_key = api.admin_key
        self.admin = CivisClient(self.admin_key, endpoint=self.url)
        self.people = {p.username: p for p in self.admin.search_users(limit=50).items}

    def key_of(self, username: str) -> str:
        return f"demo-key-{username}"

    def client_of(self, username: str) -> CivisClient:
        return CivisClient(self.key_of(username), endpoint=self.url)

    def make_workflows(self, username: str, count: int, prefix: str) -> list[int]:
        """`count` new workflows owned by `username`, created through the API as them."""
        client = self.client_of(username)
        definition = "version: '2.0'\nmain:\n  tasks:\n    hello:\n      action: std.noop\n"

        def one(n: int) -> int:
            return client.post_workflow(f"{prefix} {n:03d}", definition=definition).id

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(count)))

    def owner_of(self, workflow_id: int) -> int:
        return self.admin.get_workflow(workflow_id).owner.id

    def configure(self, **levers) -> None:
        requests.post(self.url + "_local/config", json=levers, timeout=5).raise_for_status()

    def reset_requests(self) -> None:
        requests.post(self.url + "_local/requests/reset", timeout=5).raise_for_status()

    def requests_by_route(self) -> dict[str, int]:
        return requests.get(self.url + "_local/requests", timeout=5).json()["byRoute"]


@pytest.fixture(scope="session")
def private_api(tmp_path_factory):
    api = LocalApi(tmp_path_factory.mktemp("bulk_api"))
    yield PrivateApi(api)
    api.stop()


@pytest.fixture
def bulk_api(private_api, settings):
    """The private API, with the console pointed at it and its levers back at rest after."""
    settings.CIVIS_API_ENDPOINT = private_api.url
    private_api.configure(latency_ms=0, error_rate=0, rate_limit=None)
    yield private_api
    private_api.configure(latency_ms=0, error_rate=0, rate_limit=None)


@pytest.fixture
def console_admin(transactional_db, private_api):
    """The console user of the local API's admin (the one who runs offboarding)."""
    me = private_api.admin.users_me()
    user = get_user_model().objects.create(username=f"civis-{me.id}", first_name=me.name)
    CivisAccount.objects.create(
        user=user, civis_user_id=me.id, name=me.name, email="admin@civis-local.test"
    )
    return user
