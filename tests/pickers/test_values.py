"""The one parser of picker values (`user:7`, `group:3`): ASCII digits only, everywhere."""

import pytest

from workflows_app.pickers.values import parse_choice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    ["user:²", "user:١٢", "user:１２", "group:³", "user:-1", "user:", "user:1e3", "user: 12",
     "admin:1", "user:1:2", "user:" + "9" * 40, "user:1\x00", "１２"],
)  # fmt: skip
def test_anything_but_ascii_digits_is_not_a_choice(value):
    assert parse_choice(value) is None


def test_a_choice_reads_back():
    assert parse_choice("user:12") == ("user", 12)
    assert parse_choice(" group:3 ") == ("group", 3)
    assert parse_choice("7") == ("user", 7)
    assert parse_choice("group:3", kinds=("user",)) is None


@pytest.mark.parametrize("value", ["user:²", "user:١٢", "user:" + "9" * 40])
def test_every_form_that_takes_a_picker_value_refuses_unicode_digits(
    signed_in_client, admin_api, console_calls, value
):
    workflow = next(admin_api.iter_workflows())
    client = signed_in_client
    posts = [
        (f"/workflows/{workflow.id}/transfer/", {"user_id": value}),
        (f"/workflows/{workflow.id}/sharing/add/", {"grantee": value, "level": "read"}),
        ("/transfers/new/", {"person": value}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400, 403, 404), (url, response.status_code)
    page = client.get(f"/workflows/{workflow.id}/sharing/", {"change": value})
    assert page.status_code in (200, 403, 404)
    check = client.get(f"/workflows/{workflow.id}/transfer/", {"user_id": value})
    assert check.status_code in (400, 403)  # not a check page for user 12
    assert not [c for c in console_calls if c[0] != "GET"]
