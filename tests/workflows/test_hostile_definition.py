"""Pages that show a definition of nested aliases answer quickly and say why they don't draw
it (issue 10, item 12)."""

import time

import pytest

from tests.pictures.test_definition import alias_bomb

pytestmark = pytest.mark.django_db


def test_pages_showing_an_alias_bomb_answer_fast_and_explain(client, actor, sign_in):
    owner = actor("aokafor")
    workflow = owner.api.post_workflow("Alias bomb", definition=alias_bomb(levels=7))
    sign_in(client, owner)

    for url in (f"/workflows/{workflow.id}/run/", f"/workflows/{workflow.id}/"):
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
        assert seconds < 2, (url, seconds)
        assert response.status_code == 200, url
        assert "repeats parts of itself" in response.content.decode(), url
