"""The signed-in user is read with their Civis account in one query (core/signed_in_user.py;
issue 13, item 8), and people signed in before that backend existed stay signed in."""

import re

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

ACCOUNT_TABLE = "workflows_app_civisaccount"


def account_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    return [q["sql"] for q in queries.captured_queries if ACCOUNT_TABLE in q["sql"]]


def test_a_page_reads_the_user_and_their_account_in_one_query(signed_in_client):
    url = "/workflows/"
    signed_in_client.get(url)
    reads = account_queries(signed_in_client, url)
    # The user's query joins the account; no query of the account table alone remains.
    assert not [sql for sql in reads if not re.search(r'FROM "auth_user"', sql)], reads
    assert any('FROM "auth_user"' in sql and "JOIN" in sql for sql in reads), reads


def test_a_session_signed_in_through_the_old_backend_still_works(signed_in_client):
    session = signed_in_client.session
    assert session[BACKEND_SESSION_KEY] == "workflows_app.core.signed_in_user.AccountBackend"
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    answer = signed_in_client.get("/workflows/")
    assert answer.status_code == 200
    assert answer.wsgi_request.user.is_authenticated
    assert answer.wsgi_request.user.civis.civis_user_id == signed_in_client.person.id
