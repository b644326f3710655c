"""Against civis_local's request budget (a window of 1 s here), a job's slice learns when the
window renews from the answers of its calls (when each was sent, what was left) and keeps
it for the job's next slices."""

from tests.bulk.conftest import start_transfer
from workflows_app.bulk import runner
from workflows_app.core import caching


def test_a_slice_learns_the_platforms_window_and_keeps_it_for_the_next(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 30, "Window")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["dvolkov"])
    bulk_api.configure(rate_limit="10/1", latency_ms=20)  # 8 a second for the job

    runner.run_slice(job.id, seconds=60)

    assert runner.state_counts(job.id) == {"done": 30}
    longer_than, at_most = caching.get(runner._window_key(job.id))
    # The window lasts 1 s: a call was still counted in it some way into it, and a fresh
    # budget was seen not long after it ended (each bound from when calls were sent).
    assert 0.2 < longer_than < 1.2, (longer_than, at_most)
    assert at_most is not None and 0.8 < at_most < 2.5, (longer_than, at_most)
