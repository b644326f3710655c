"""The page helpers: `gather` overlaps calls and fails fast with the domain error; pages carry
their totals and the lazy iterator fetches a page only when it is reached."""

import json
import re
import time

import pytest
import responses

from workflows_app.civis import CivisClient, NotFound, gather

BASE = "http://civis.test/"
DELAY = 0.3


def slow(body, status=200, delay=DELAY):
    def callback(request):
        time.sleep(delay)
        return status, {"Content-Type": "application/json"}, body

    return callback


@pytest.fixture
def api():
    return CivisClient("sk-gather-test", endpoint=BASE)


def test_gather_costs_the_slowest_call_not_the_sum(api):
    with responses.RequestsMock() as mocked:
        mocked.add_callback("GET", BASE + "workflows/1", slow('{"id": 1, "name": "One"}'))
        mocked.add_callback("GET", BASE + "workflows/1/shares", slow("{}"))
        mocked.add_callback("GET", BASE + "workflows/1/executions", slow("[]"))
        mocked.add_callback("GET", BASE + "workflows/1/git", slow("{}"))

        started = time.monotonic()
        workflow, shares, runs, git = gather(
            lambda: api.get_workflow(1),
            lambda: api.list_shares(1),
            lambda: api.list_executions(1),
            lambda: api.list_git(1),
        )
        elapsed = time.monotonic() - started

    assert workflow.name == "One" and shares.users == () and len(runs) == 0
    assert not git.attached
    assert elapsed < DELAY * 2, f"4 calls of {DELAY}s took {elapsed:.2f}s"


def test_gather_raises_the_first_domain_error_without_waiting_for_the_rest(api):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.add_callback("GET", BASE + "workflows/1", slow('{"id": 1}', delay=2.0))
        mocked.add_callback("GET", BASE + "workflows/2", slow('{"code": 404}', 404, 0.05))

        started = time.monotonic()
        with pytest.raises(NotFound):
            gather(lambda: api.get_workflow(1), lambda: api.get_workflow(2))
        elapsed = time.monotonic() - started

    assert elapsed < 1.0


def test_gather_keeps_the_order_of_the_calls(api):
    with responses.RequestsMock() as mocked:
        for wid, delay in ((1, 0.3), (2, 0.0), (3, 0.15)):
            body = f'{{"id": {wid}, "name": "W{wid}"}}'
            mocked.add_callback("GET", BASE + f"workflows/{wid}", slow(body, delay=delay))
        results = gather(*(lambda wid=wid: api.get_workflow(wid) for wid in (1, 2, 3)))

    assert [w.id for w in results] == [1, 2, 3]


def test_a_page_carries_its_totals_from_the_headers(api):
    headers = {
        "X-Pagination-Current-Page": "2",
        "X-Pagination-Per-Page": "2",
        "X-Pagination-Total-Entries": "5",
        "X-Pagination-Total-Pages": "3",
    }
    with responses.RequestsMock() as mocked:
        mocked.get(BASE + "workflows", json=[{"id": 3}, {"id": 4}], headers=headers)
        page = api.list_workflows(limit=2, page_num=2, order="name", order_dir="asc")
        sent = mocked.calls[0].request.url

    assert (page.page_num, page.per_page, page.total_entries, page.total_pages) == (2, 2, 5, 3)
    assert page.has_next and page.has_previous
    assert "limit=2" in sent and "page_num=2" in sent and "order_dir=asc" in sent


def test_the_iterator_walks_pages_lazily_until_the_last(api):
    def page(request):
        num = int(re.search(r"page_num=(\d+)", request.url).group(1))
        items = [{"id": num * 100 + i} for i in range(50 if num < 3 else 7)]
        headers = {"X-Pagination-Total-Pages": "3", "X-Pagination-Total-Entries": "107"}
        return 200, headers, json.dumps(items)

    with responses.RequestsMock() as mocked:
        mocked.add_callback("GET", re.compile(BASE + r"workflows\?.*"), page)
        walker = api.iter_workflows(state=["failed"])
        first = next(walker)
        assert first.id == 100 and len(mocked.calls) == 1
        rest = list(walker)

        assert len(mocked.calls) == 3
        assert "state%5B%5D=failed" in mocked.calls[0].request.url
    assert len(rest) + 1 == 107
