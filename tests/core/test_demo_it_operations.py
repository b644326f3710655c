"""The demo's IT/operations person (issue 10, item 5): Priya Shah signs in with one click and
can move everything the leaver owns, through her group's share, with no admin key."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True)]
LEAVING = "mwebb"


@pytest.fixture
def bulk_queue_worker(use_local_api):
    """A worker on the bulk queue: the wizard's reads of what the leaver owns run there
    (bulk/reads.py, since 5e8ee72), so without one the wizard waits on its reading page."""
    from django.conf import settings

    from tests.bulk.conftest import BulkWorker

    worker = BulkWorker(settings.BULK_QUEUE, "demo-it-operations")
    yield worker
    worker.stop()


# On the in-process live_server, whatever CONSOLE_TEST_SERVER says: the one-click demo sign-in
# exists only with DEBUG on, and the production path's gunicorn has DEBUG off.
@pytest.mark.browser
def test_priya_signs_in_with_one_click_and_can_move_all_the_leavers_workflows(
    live_server, page, use_local_api, admin_api, settings, bulk_queue_worker
):
    settings.DEBUG = True  # the demo sign-in exists only in development against civis_local
    leaving = next(p for p in admin_api.search_users(LEAVING).items if p.username == LEAVING)
    owned = list(admin_api.iter_workflows(author=str(leaving.id), archived="all"))
    # Every workflow the seed gave him is shared with her group; workflows other tests made
    # as him are not, and the wizard rightly leaves those out.
    groups = admin_api.search_groups("IT Operations").items
    group = next(g for g in groups if g.name == "IT Operations")
    movable = [w for w in owned if admin_api.list_shares(w.id).level_of_group(group.id) == "manage"]
    assert len(movable) >= 32

    page.goto(live_server.url + "/sign-in/")
    page.get_by_role("button", name="Sign in as Priya Shah").click()
    expect(page.locator(".account__name")).to_have_text("Priya Shah")
    page.get_by_role("link", name="Transfers").click()
    page.get_by_role("link", name="Move someone's workflows").click()
    page.get_by_role("searchbox", name="Whose workflows?").press_sequentially("Webb", delay=40)
    page.get_by_role("radio", name="Marcus Webb").first.check()
    page.get_by_role("button", name="List their workflows").click()
    # The reading page moves on by itself once the worker has read them.
    expect(page.get_by_text(f"{len(movable)} workflows selected")).to_be_visible(timeout=60_000)
    if len(movable) == len(owned):
        expect(page.get_by_text("can't move", exact=False)).to_have_count(0)
