"""/workflows/: search, filters, sort, paging, one upstream call per page, page vs fragment."""

import math
import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db

SEEDED_SCRIPT_NAME = "Alert <script>alert('owned')</script>"


def _names(html: str) -> list[str]:
    return re.findall(
        r'<td class="wf-table__name" data-label="Name">\s*<a href="[^"]+">([^<]*)</a>', html
    )


def test_the_list_shows_the_viewers_workflows_with_totals(client, marcus):
    response = client.get("/workflows/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert re.search(r"\d+ workflows, page 1 of \d+", html)
    assert len(_names(html)) == 20  # the default page size


def test_one_upstream_call_per_list_page(client, marcus, request_log):
    """One list call, and one for each workflow Civis calls running (to tell a paused run
    from a running one) that the list has not asked lately; none when no running workflow is
    on the page (test_paused_remembered.py: the same page again)."""
    for query in (
        "",
        "?page=2",
        "?owner=mine&state=failed&state=succeeded&sort=name",
    ):
        request_log.reset()
        response = client.get("/workflows/" + query)
        assert response.status_code == 200
        running = sum(1 for row in response.context["rows"] if row["workflow"].state == "running")
        expected = {"GET /workflows": 1}
        if running:
            expected["GET /workflows/{id}/executions"] = running
        assert request_log.routes() == expected, query


def test_a_name_search_reads_the_filtered_list_fifty_at_a_time(client, marcus, request_log):
    """The API cannot search by name: the console reads the list in its largest pages."""
    visible = marcus.api.list_workflows(limit=1).total_entries
    request_log.reset()
    response = client.get("/workflows/?q=refresh")
    assert _list_calls(request_log) == math.ceil(visible / 50)
    request_log.reset()
    client.get("/workflows/?q=refresh&owner=mine")  # a filter narrows what is read
    assert _list_calls(request_log) == 1
    assert response.status_code == 200


def _list_calls(request_log) -> int:
    """Calls that read the list (a running workflow on the page is also asked for its runs,
    to tell a paused one apart)."""
    routes = request_log.routes()
    assert set(routes) <= {"GET /workflows", "GET /workflows/{id}/executions"}, routes
    return routes["GET /workflows"]


def test_same_url_answers_page_and_fragment_and_says_it_varies(client, marcus):
    page = client.get("/workflows/?sort=name")
    fragment = client.get("/workflows/?sort=name", headers={"HX-Request": "true"})
    assert "HX-Request" in page["Vary"] and "HX-Request" in fragment["Vary"]
    assert "<html" in page.content.decode()
    assert "<html" not in fragment.content.decode()
    assert _names(fragment.content.decode()) == _names(page.content.decode())


def test_the_pushed_url_of_a_swap_renders_the_whole_page_with_the_same_filters(client, marcus):
    query = "?q=voter&sort=name&dir=desc&per_page=10"
    fragment = client.get("/workflows/" + query, headers={"HX-Request": "true"}).content.decode()
    # Back or refresh after the swap: the browser asks for the pushed URL without HX-Request,
    # or htmx restores history with HX-History-Restore-Request; both get the page.
    refreshed = client.get("/workflows/" + query).content.decode()
    restored = client.get(
        "/workflows/" + query,
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ).content.decode()
    for html in (refreshed, restored):
        assert "<html" in html
        assert 'value="voter"' in html
        assert _names(html) == _names(fragment)
    names = _names(fragment)
    assert names and all("voter" in name.lower() for name in names)
    assert names == sorted(names, reverse=True)


def test_sorting_by_name_both_ways(client, marcus):
    mine = "/workflows/?owner=mine&per_page=50&sort=name"
    ascending = _names(client.get(mine).content.decode())
    descending = _names(client.get(mine + "&dir=desc").content.decode())
    assert len(ascending) > 10
    assert ascending == sorted(ascending)
    assert descending == list(reversed(ascending))


def test_paging_walks_the_apis_pages_and_pager_links_keep_the_filters(client, marcus):
    html = client.get("/workflows/?owner=mine&per_page=10&sort=name").content.decode()
    first = _names(html)
    next_link = re.search(r'<a href="([^"]+)"[^>]*rel="next"', html).group(1)
    assert next_link == "?owner=mine&amp;per_page=10&amp;sort=name&amp;page=2"
    second = _names(client.get("/workflows/" + next_link.replace("&amp;", "&")).content.decode())
    assert len(first) == 10 and second and not set(first) & set(second)
    assert first + second == sorted(first + second)


def test_owner_by_name_looks_people_up_once_then_from_the_cache(client, marcus, request_log):
    request_log.reset()
    html = client.get("/workflows/?owner=named&owner_name=Okafor&per_page=50").content.decode()
    assert request_log.routes() == {"GET /users": 1, "GET /workflows": 1}
    owners = set(re.findall(r'<td data-label="Owner"[^>]*>([^<]*)</td>', html))
    assert owners == {"Ada Okafor"}
    request_log.reset()
    client.get("/workflows/?owner=named&owner_name=Okafor&per_page=50&page=1&sort=name")
    assert request_log.routes() == {"GET /workflows": 1}


def test_nobody_by_that_name_says_so_without_listing(client, marcus, request_log):
    request_log.reset()
    html = client.get("/workflows/?owner_name=Nobody+Byname").content.decode()
    assert "Nobody's name contains “Nobody Byname”" in html
    assert "GET /workflows" not in request_log.routes()


def test_no_match_says_what_to_do(client, marcus):
    html = client.get("/workflows/?q=zzzz-no-such-workflow").content.decode()
    assert "No workflows match “zzzz-no-such-workflow”" in html
    assert "clear the search and filters" in html


def test_bad_query_values_are_refused_by_the_field(client, marcus):
    response = client.get("/workflows/?sort=colour&per_page=500")
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_script_bearing_names_are_shown_as_text(client, sign_in_as, admin_api):
    # The seeded one by its exact name: other tests create workflows with tags in their names.
    special = next(w for w in admin_api.iter_workflows() if w.name == SEEDED_SCRIPT_NAME)
    sign_in_as(special.owner.username)
    html = client.get("/workflows/?q=alert&per_page=50").content.decode()
    assert "Alert &lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in html
    assert "<script>alert(" not in html
    bold = client.get("/workflows/?q=bold").content.decode()
    if "Bold" in bold:
        assert "<b>Bold</b>" not in bold


def test_each_keystroke_of_a_search_filters_one_remembered_walk(client, marcus, console_calls):
    """Typing `refre`, `refres`, `refresh` walks the list once, not once per keystroke."""
    first = client.get("/workflows/?q=refre", headers={"HX-Request": "true"})
    walked = [call for call in console_calls if call == ("GET", "/workflows")]
    assert walked  # the first keystroke read the list
    console_calls.clear()
    later = client.get("/workflows/?q=refresh", headers={"HX-Request": "true"})
    assert ("GET", "/workflows") not in console_calls
    assert _names(later.content.decode())
    assert set(_names(later.content.decode())) <= set(_names(first.content.decode()))
    client.get("/workflows/?q=refresh&owner=mine", headers={"HX-Request": "true"})
    assert ("GET", "/workflows") in console_calls  # other filters: another walk


def test_a_remembered_walk_is_never_served_to_someone_else(
    client, marcus, sign_in_as, console_calls
):
    mine = _names(client.get("/workflows/?q=a&per_page=50").content.decode())
    ada = sign_in_as("aokafor")
    console_calls.clear()
    theirs = _names(client.get("/workflows/?q=a&per_page=50").content.decode())
    assert ("GET", "/workflows") in console_calls  # read again, with Ada's own key
    visible = {w.name for w in ada.api.iter_workflows()}
    assert {unescape(name) for name in theirs} <= visible and set(mine) != set(theirs)


def test_the_search_form_replaces_an_older_request_with_the_newer(client, marcus):
    """An older, slower answer must never land over the results of newer keystrokes."""
    html = client.get("/workflows/").content.decode()
    form = re.search(r'<form[^>]*role="search"[^>]*>', html).group(0)
    assert 'hx-sync="this:replace"' in form


def test_an_unknown_access_level_claims_nothing(client, marcus):
    html = client.get("/workflows/?owner=named&owner_name=Okafor&per_page=50").content.decode()
    cells = re.findall(r'<td data-label="Your access">(.*?)</td>', html)
    assert cells and "shared with you" not in html
    # nothing opened yet: no level claimed; a worker is asked to read them (issue 10, item 9)
    assert all("being checked…" in cell or "Not known yet" in cell for cell in cells)
    assert not any("can " in cell for cell in cells)


def test_resorting_or_paging_a_name_search_reads_the_list_once(client, marcus, console_calls):
    """The walk depends on who looks and the filters, not on the sort or the page: the
    walked list is sorted and paged here, so re-sorting makes no new list call."""
    search = "/workflows/?q=e&per_page=10"
    by_name = _names(client.get(search + "&sort=name").content.decode())
    assert ("GET", "/workflows") in console_calls
    console_calls.clear()

    backwards = _names(client.get(search + "&sort=name&dir=desc").content.decode())
    newest = client.get(search + "&sort=created", headers={"HX-Request": "true"})
    client.get(search + "&sort=updated&dir=asc&page=2")

    assert ("GET", "/workflows") not in console_calls
    assert len(by_name) == 10 and by_name == sorted(by_name)
    assert backwards == sorted(backwards, reverse=True) and backwards != by_name
    dates = [row["workflow"].created_at for row in newest.context["rows"]]
    assert dates == sorted(dates, reverse=True)
    client.get(search + "&sort=name&archived=all")
    assert ("GET", "/workflows") in console_calls  # another filter: another walk
