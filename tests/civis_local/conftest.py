"""Fixtures for the civis_local tests: sessions per actor on the shared demo server, and a
private server for tests that change process-wide levers (clock, budget)."""

import pytest

from tests.conftest import LocalApi

from .helpers import Api, demo_key


@pytest.fixture
def admin(local_api) -> Api:
    return Api(local_api.url, local_api.admin_key)


@pytest.fixture
def as_user(local_api):
    return lambda username: Api(local_api.url, demo_key(username))


@pytest.fixture(scope="module")
def private_api(tmp_path_factory):
    """A server of this module's own: for tests that move the clock or set a budget."""
    api = LocalApi(tmp_path_factory.mktemp("civis_local_private"))
    yield api
    api.stop()
