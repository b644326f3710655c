"""What one request costs the local API, in SQL statements (GET /_local/queries), so that a
benchmark's parallel calls are not queued behind the upstream's own work: authentication
reads from memory and writes nothing, a transfer runs a fixed handful of statements, and key
use is still counted exactly."""

import time

import requests

from .helpers import Api

NOOP = "version: '2.0'\nmain:\n  tasks:\n    hello:\n      action: std.noop\n"
TRANSFER = "PUT /workflows/{id}/transfer"
DETAIL = "GET /workflows/{id}"


def reset(api) -> None:
    requests.post(api.url + "_local/requests/reset", timeout=5).raise_for_status()


def cost(api, route: str) -> dict:
    return requests.get(api.url + "_local/queries", timeout=5).json()["byRoute"][route]


def test_a_transfer_runs_at_most_five_statements_and_reads_write_nothing(local_api, admin, as_user):
    ada = as_user("aokafor")
    gwen_id = admin.user_id("gthompson")
    ids = [
        ada.post("/workflows", json={"name": f"Cost {n}", "definition": NOOP}).json()["id"]
        for n in range(3)
    ]
    ada.get(f"/workflows/{ids[0]}")  # whatever a first use of a key may do is done
    # The admin's key too (gthompson's id may be known already), and every key's pending use
    # written now (listing keys does it), so none comes due during the counted requests.
    admin.get("/users/me/api_keys")
    reset(local_api)
    for workflow_id in ids:
        moved = admin.put(
            f"/workflows/{workflow_id}/transfer",
            json={"user_id": gwen_id, "include_dependencies": False},
        )
        assert moved.json() == {"dependencies": []}
    for workflow_id in ids:
        assert admin.get(f"/workflows/{workflow_id}").json()["user"]["id"] == gwen_id
        assert ada.get(f"/workflows/{workflow_id}").json()["myPermissionLevel"] == "manage"

    transfers = cost(local_api, TRANSFER)
    assert transfers["requests"] == 3
    # Read the workflow and the target; drop the target's share, move the owner, upsert the
    # previous owner's manage share. Nothing for the key (it used to be 10 with 2 writes).
    assert transfers["queries"] <= 5 * 3
    assert transfers["writes"] == 3 * 3
    reads = cost(local_api, DETAIL)
    assert reads["requests"] == 6
    assert reads["writes"] == 0  # an authenticated read writes nothing (the key's use neither)
    assert reads["queries"] <= 2 * 6  # the workflow with its owner; a share level for Ada


def test_key_use_is_counted_exactly_though_not_written_per_request(local_api, as_user):
    chiara = as_user("cbellini")
    minted = chiara.post("/users/me/api_keys", json={"name": "counted", "expires_in": 3600})
    key_id, token = minted.json()["id"], minted.json()["token"]
    laptop = Api(local_api.url, token)
    reset(local_api)
    for _ in range(4):
        assert laptop.get("/users/me").json()["username"] == "cbellini"
    assert cost(local_api, "GET /users/me")["writes"] == 0

    shown = chiara.get(f"/users/me/api_keys/{key_id}").json()
    assert shown["useCount"] == 4
    assert shown["lastUsedAt"] is not None
    listed = {key["id"]: key for key in laptop.get("/users/me/api_keys").json()}
    assert listed[key_id]["useCount"] == 5  # this request is a use too


def test_a_revoked_key_is_refused_on_the_next_request(local_api, as_user):
    chiara = as_user("cbellini")
    minted = chiara.post("/users/me/api_keys", json={"name": "stolen", "expires_in": 3600})
    laptop = Api(local_api.url, minted.json()["token"])
    assert laptop.get("/users/me").status_code == 200  # now known to the key cache
    revoked = chiara.delete(f"/users/me/api_keys/{minted.json()['id']}")
    assert revoked.json()["active"] is False
    refused = laptop.get("/users/me", check=False)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_key_is_refused_though_recently_accepted(local_api, as_user):
    minted = as_user("cbellini").post("/users/me/api_keys", json={"name": "short", "expires_in": 1})
    laptop = Api(local_api.url, minted.json()["token"])
    assert laptop.get("/users/me").status_code == 200
    time.sleep(1.2)
    assert laptop.get("/users/me", check=False).status_code == 401
