"""The filter form is the query: what the URL says becomes the API's parameters."""

from workflows_app.workflows.forms import RunHistoryFilterForm, WorkflowFilterForm


def _params(query: dict, **kwargs):
    form = WorkflowFilterForm(query)
    assert form.is_valid(), form.errors
    return form.api_params(me=7, **kwargs)


def test_defaults_ask_for_the_latest_changed_first_twenty_not_archived():
    assert _params({}) == {
        "order": "updated_at",
        "order_dir": "desc",
        "limit": 20,
        "page_num": 1,
        "archived": False,
    }


def test_every_filter_maps_to_its_api_parameter():
    params = _params(
        {
            "state": ["failed", "running"],
            "owner": "mine",
            "scheduled": "no",
            "archived": "all",
            "hidden": "on",
            "sort": "created",
            "dir": "asc",
            "per_page": "50",
            "page": "3",
        }
    )
    assert params == {
        "state": ["failed", "running"],
        "author": [7],
        "scheduled": False,
        "archived": "all",
        "hidden": True,
        "order": "created_at",
        "order_dir": "asc",
        "limit": 50,
        "page_num": 3,
    }


def test_names_sort_a_to_z_by_default():
    assert _params({"sort": "name"})["order_dir"] == "asc"


def test_owner_by_name_uses_the_people_found():
    assert _params({"owner_name": "Ada"}, owner_ids=[2, 9])["author"] == [2, 9]


def test_values_outside_the_choices_are_refused():
    for query in ({"per_page": "500"}, {"sort": "colour"}, {"state": "melted"}, {"page": "0"}):
        assert not WorkflowFilterForm(query).is_valid(), query
    form = WorkflowFilterForm({"owner": "named"})
    assert not form.is_valid() and "owner_name" in form.errors


def test_sort_links_flip_the_current_direction():
    form = WorkflowFilterForm({"sort": "name", "dir": "asc"})
    assert form.is_valid()
    assert form.sort_link("name") == {"sort": "name", "dir": "desc"}
    assert form.sort_link("updated") == {"sort": "updated", "dir": ""}


def test_run_history_paging_and_state():
    form = RunHistoryFilterForm({"state": "failed", "per_page": "10", "page": "2"})
    assert form.page_params() == {"limit": 10, "page_num": 2}
    assert form.wanted_state == "failed"
    assert RunHistoryFilterForm({}).page_params() == {"limit": 20, "page_num": 1}
