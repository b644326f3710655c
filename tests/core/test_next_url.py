"""`?next=` is followed only to a path on this site: any other text was read by `redirect()`
as a view name, a 500 (issue 10, found by the hostile-input test)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("next_value", ["²", "{{ 7|add:7 }}", "admin:index", "x" * 3000])
def test_a_next_that_is_not_a_path_goes_home(signed_in_client, next_value):
    response = signed_in_client.get("/sign-in/", {"next": next_value})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_path_is_followed(signed_in_client):
    response = signed_in_client.get("/sign-in/", {"next": "/executions/"})
    assert response["Location"] == "/executions/"
