"""With a request budget set in civis_local, a 500-item job spends it patiently: Retry-After
and X-RateLimit-Remaining pace the whole job, and no item fails."""

import pytest

from tests.bulk.conftest import start_transfer, wait_until
from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkItem, BulkJob

pytestmark = pytest.mark.celery


def test_a_500_item_job_under_a_request_budget_finishes_with_no_failures(
    bulk_api, console_admin, start_worker, bulk_queue
):
    source, target = bulk_api.people["knorgaard"], bulk_api.people["blindqvist"]
    ids = bulk_api.make_workflows(source.username, 500, "Budget")
    start_worker("budget")
    bulk_api.configure(rate_limit="60/2")  # 30 requests a second, for everyone
    bulk_api.reset_requests()

    job = start_transfer(bulk_api, console_admin, ids, target, queue=bulk_queue)
    wait_until(lambda: BulkJob.objects.get(id=job.id).state == "finished", 180, step=0.5)

    assert runner.state_counts(job.id) == {"done": 500}
    routes = bulk_api.requests_by_route()
    transfers = routes["PUT /workflows/{id}/transfer"]
    refused = transfers - 500
    # Paced, not hammering: a fifth of the budget is left to people (bulk/pace.py), so the
    # job is refused rarely if ever.
    assert refused <= 100, routes
    assert not BulkItem.objects.filter(job=job, upstream_status=429).exists()
    bulk_api.configure(rate_limit=None)
    owned = {w.id for w in bulk_api.admin.iter_workflows(author=str(target.id), archived="all")}
    assert set(ids) <= owned
