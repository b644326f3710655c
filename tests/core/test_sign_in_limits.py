"""The sign-in limit is atomic, and counts per address and per key (issue 10, item 16)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from workflows_app.core import accounts

pytestmark = pytest.mark.django_db(transaction=True)
PROXY_ADDRESS = "203.0.113.9"


@pytest.fixture(autouse=True)
def fresh_limits():
    for address in ("127.0.0.1", PROXY_ADDRESS):
        accounts.failures_by_address.reset(address)
    yield
    for address in ("127.0.0.1", PROXY_ADDRESS):
        accounts.failures_by_address.reset(address)


def _me_calls(calls) -> int:
    return sum(1 for call in calls if call == ("GET", "/users/me"))


def test_forty_parallel_wrong_keys_let_at_most_the_limit_through(use_local_api, console_calls):
    keys = [f"wrong-{uuid.uuid4().hex}" for _ in range(40)]

    def attempt(key: str) -> int:
        return Client().post("/sign-in/", {"api_key": key}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, keys))

    limit = accounts.failures_by_address.limit
    assert statuses.count(400) <= limit
    assert statuses.count(429) >= 40 - limit
    assert _me_calls(console_calls) <= limit


def test_the_same_wrong_key_is_refused_unchecked_after_five_tries_from_anywhere(
    use_local_api, console_calls
):
    key = f"wrong-{uuid.uuid4().hex}"
    statuses = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post("/sign-in/", {"api_key": key}).status_code
        for n in range(8)
    ]
    assert statuses == [400] * 5 + [429] * 3
    assert _me_calls(console_calls) == 5


def test_behind_a_proxy_one_persons_wrong_keys_do_not_lock_out_the_others(
    use_local_api, demo_person, admin_api, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    forwarded = {"HTTP_X_FORWARDED_FOR": PROXY_ADDRESS, "REMOTE_ADDR": "10.0.0.1"}
    person, key = demo_person
    colleague = Client(**forwarded)
    assert colleague.post("/sign-in/", {"api_key": key}).status_code == 302
    colleague.post("/sign-out/")

    guesser = Client(**forwarded)
    statuses = [
        guesser.post("/sign-in/", {"api_key": f"wrong-{uuid.uuid4().hex}"}).status_code
        for _ in range(12)
    ]
    assert statuses[-1] == 429  # the address is held back for new keys

    accounts.signins_by_account.reset(str(person.id))
    assert colleague.post("/sign-in/", {"api_key": key}).status_code == 302
    newcomer_key = admin_api.create_api_key(person.id, name=f"limits {uuid.uuid4().hex[:6]}")
    assert Client(**forwarded).post("/sign-in/", {"api_key": newcomer_key}).status_code == 429
