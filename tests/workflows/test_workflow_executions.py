"""/workflows/<id>/executions/: history with paging and a state filter, the duration chart
and the success rate of what is listed."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _busiest(person):
    """The person's workflow with the most runs."""
    best, most = None, -1
    for workflow in person.api.iter_workflows(author=str(person.id)):
        total = person.api.list_executions(workflow.id, limit=1).total_entries
        if total > most:
            best, most = workflow, total
    return best, most


def test_history_lists_runs_with_a_chart_and_the_success_rate(client, marcus):
    workflow, total = _busiest(marcus)
    html = client.get(f"/workflows/{workflow.id}/executions/?per_page=50").content.decode()
    assert f"{total:,} runs" in html
    assert 'role="img"' in html and 'class="duration-chart__bar"' in html
    assert 'aria-describedby="run-history-caption"' in html and 'id="run-history-caption"' in html
    rows = re.findall(r'<td data-label="Outcome">(.*?)</td>', html, re.S)
    assert len(rows) == min(total, 50)
    succeeded = sum("Succeeded" in row for row in rows)
    finished = sum(any(w in row for w in ("Succeeded", "Failed", "Cancelled")) for row in rows)
    assert f"of the {finished} finished run" in html
    assert f"({succeeded} of {finished})" in html


def test_state_filter_lists_only_that_state(client, marcus):
    workflow, _ = _busiest(marcus)
    html = client.get(f"/workflows/{workflow.id}/executions/?state=failed").content.decode()
    rows = re.findall(r'<td data-label="Outcome">(.*?)</td>', html, re.S)
    assert all("Failed" in row for row in rows)
    if not rows:
        assert "No failed runs." in html


def test_history_is_a_page_and_a_fragment_on_one_url(client, marcus):
    workflow, _ = _busiest(marcus)
    url = f"/workflows/{workflow.id}/executions/?per_page=10&page=2"
    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in page["Vary"] and "HX-Request" in fragment["Vary"]
    assert "<html" in page.content.decode() and "<html" not in fragment.content.decode()
    assert "page 2 of" in fragment.content.decode()


def test_paging_without_a_filter_is_one_history_call(client, marcus, request_log):
    workflow, _ = _busiest(marcus)
    request_log.reset()
    client.get(f"/workflows/{workflow.id}/executions/?page=2&per_page=10")
    assert request_log.routes() == {"GET /workflows/{id}": 1, "GET /workflows/{id}/executions": 1}


def test_paging_a_state_filter_walks_the_history_once(client, marcus, console_calls):
    """The API cannot filter runs by state: the walked history is remembered a short while
    per viewer and workflow, so the next page, or another state, reads nothing again."""
    workflow, total = _busiest(marcus)
    runs = f"/workflows/{workflow.id}/executions/"
    history = ("GET", f"/workflows/{workflow.id}/executions")
    first = client.get(runs + "?state=succeeded&per_page=10")
    assert first.status_code == 200
    console_calls.clear()

    second = client.get(runs + "?state=succeeded&per_page=10&page=2")
    failed = client.get(runs + "?state=failed", headers={"HX-Request": "true"})

    assert history not in console_calls
    assert second.status_code == 200 and failed.status_code == 200
    listed = first.context["listing"].page.items + second.context["listing"].page.items
    assert listed and all(run.state.lower() == "succeeded" for run in listed)
    assert len({run.id for run in listed}) == len(listed)  # page 2 goes on from page 1
    assert all(run.state.lower() == "failed" for run in failed.context["listing"].page.items)
    client.get(runs + "?page=2&per_page=10")  # unfiltered: one live call, as before
    assert console_calls.count(history) == 1
