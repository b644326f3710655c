"""A hostile `tz` cookie or a far date is an ordinary request, never a 500 (issue 10, item 15)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "zone", ["America", "x" * 5000, "..%2Fetc", "%00", "Europe%2FNowhere", "/etc/localtime"]
)
def test_a_hostile_tz_cookie_breaks_no_page(signed_in_client, zone):
    from django.test import Client

    signed_out = Client()
    signed_out.cookies["tz"] = zone
    assert signed_out.get("/sign-in/").status_code == 200
    signed_in_client.cookies["tz"] = zone
    for url in ("/", "/executions/", "/audit/"):
        assert signed_in_client.get(url).status_code == 200, url


def test_a_real_tz_cookie_is_used(signed_in_client):
    from django.utils import timezone

    signed_in_client.cookies["tz"] = "Europe%2FBerlin"
    response = signed_in_client.get("/executions/")
    assert response.status_code == 200
    assert timezone.get_current_timezone_name() == "Europe/Berlin"


@pytest.mark.parametrize(
    "query",
    [
        {"until": "9999-12-31"},
        {"since": "0001-01-01"},
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"until": "10000-01-01"},
    ],
)
def test_far_dates_in_the_run_index_get_a_message_not_a_500(signed_in_client, query):
    signed_in_client.cookies["tz"] = "Pacific%2FKiritimati"
    response = signed_in_client.get("/executions/", query)
    assert response.status_code in (200, 400)
    if response.status_code == 200 and "9999" in str(query):
        assert "between" in response.content.decode()
