"""Redis (the shared cache) stopped under a signed-in console: pages that only use the cache as
a cache still answer, sign-in refuses in words instead of letting anyone in unchecked, and
whatever does fail shows the console's own error page (no traceback, no key, no upstream text)."""

import pytest
from django.test import Client

from tests.bulk.conftest import PrivateRedis
from tests.helpers import sign_in
from workflows_app.core.accounts import signins_by_account
from workflows_app.core.views import SIGN_IN_UNAVAILABLE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cache_redis(settings):
    """A Redis of this test's own as the console's cache, which the test may stop."""
    server = PrivateRedis()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    yield server
    server.stop()
    server.log.unlink(missing_ok=True)


def test_the_workflow_list_answers_with_the_cache_down(
    cache_redis, signed_in_client, use_local_api
):
    assert signed_in_client.get("/workflows/").status_code == 200
    cache_redis.stop()
    response = signed_in_client.get("/workflows/")
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert signed_in_client.get("/workflows/", {"q": "a"}).status_code == 200


def test_sign_in_refuses_in_words_with_the_cache_down(cache_redis, demo_person, use_local_api):
    _, key = demo_person
    client = Client()
    cache_redis.stop()
    response = client.post("/sign-in/", {"api_key": key})
    text = response.content.decode()
    assert response.status_code == 503
    assert "Signing in is not possible right now" in text
    assert SIGN_IN_UNAVAILABLE.split(":")[0] in text
    assert key not in text
    after = client.get("/workflows/")
    assert after.status_code == 302 and after["Location"].startswith("/sign-in/")


def test_a_page_that_needs_the_cache_shows_the_consoles_own_500_page(
    cache_redis, settings, admin_api, use_local_api
):
    """A run page shares what it read through the cache (the live status): with Redis down it
    fails, and the person sees the console's page in its own style."""
    settings.DEBUG = False
    me = admin_api.users_me()
    signins_by_account.reset(str(me.id))
    client = Client(raise_request_exception=False)
    sign_in(client, use_local_api.admin_key)
    run = next(
        (workflow.id, execution.id)
        for workflow in admin_api.list_workflows(limit=20).items
        for execution in admin_api.list_executions(workflow.id, limit=1).items
    )
    page = f"/workflows/{run[0]}/executions/{run[1]}/"
    assert client.get(page).status_code == 200
    cache_redis.stop()
    response = client.get(page)
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert "css/console.css" in text and "Workflows Console" in text
    assert "Traceback" not in text and "Redis" not in text and "Error" not in text
    assert use_local_api.admin_key not in text
