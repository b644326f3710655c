"""The people and group picker: search-as-you-type fragments over `search_users` /
`search_groups`, briefly cached in the shared cache.

Reuse it on any page: include `pickers/_picker.html` inside a form with

    picker_id     a unique prefix for element ids ("owner")
    picker_kind   "people", "groups" or "any" (people and groups)
    picker_field  the name of the chosen result's radio ("user_id"); values are `user:7` or
                  `group:3`, read back by forms_sharing.PersonChoiceField / GranteeChoiceField
    picker_label  the search box's label
    picker_form   (optional) id of a GET form the search box belongs to, so searching works
                  without JavaScript; render `picker_results` (from `find`) and `picker_query`
                  on that page when it is asked with `?q=`
    picker_names  (optional, `results_context(names=True)`) each result sends its name beside
                  its value (`<field>_name_<value>`, hidden), so a POST form shown again (a
                  mistake, the platform not answering) shows the choice chosen, by name
                  (`chosen_again`); off for GET forms, whose address it would fill

As you type, htmx asks `pickers:people` / `pickers:groups` / `pickers:any` for the results
fragment (`pickers/_results.html`) and swaps it under the box.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from workflows_app.access.forms import PickerSearchForm
from workflows_app.civis import CivisClient, gather
from workflows_app.core import accounts
from workflows_app.core.accounts import signed_in
from workflows_app.pickers.values import parse_choice

CACHE_SECONDS = 60
MIN_QUERY = 2
PER_KIND = 10
MAX_NAME = 200
logger = logging.getLogger(__name__)
SEARCH_URLS = {"people": "pickers:people", "groups": "pickers:groups", "any": "pickers:any"}


@dataclass(frozen=True)
class PickerResult:
    """One row of the picker: the radio's value, the name, and a quieter detail."""

    value: str
    name: str
    detail: str
    kind: str


def _people(client: CivisClient, query: str) -> list[PickerResult]:
    page = client.search_users(query, limit=PER_KIND)
    return [PickerResult(f"user:{p.id}", p.name, p.username or "", "user") for p in page.items]


def _groups(client: CivisClient, query: str) -> list[PickerResult]:
    page = client.search_groups(query, limit=PER_KIND)
    results = []
    for group in page.items:
        count = group.member_count if group.member_count is not None else len(group.members)
        detail = "Group of 1 person" if count == 1 else f"Group of {count} people"
        results.append(PickerResult(f"group:{group.id}", group.name, detail, "group"))
    return results


def cache_key(viewer_id: int | None, kind: str, query: str) -> str:
    """Results are keyed by the viewer's Civis user id: what one person may see is never
    served to another. The query is hashed so any text makes a safe key."""
    digest = hashlib.sha256(query.casefold().encode()).hexdigest()[:32]
    return f"picker:v1:{viewer_id}:{kind}:{digest}"


def find(request, kind: str, query: str) -> list[PickerResult]:
    """Who matches `query` for the signed-in viewer (nothing under two characters)."""
    query = query.strip()
    if len(query) < MIN_QUERY or kind not in SEARCH_URLS:
        return []
    account = getattr(request.user, "civis", None)
    key = cache_key(account.civis_user_id if account else None, kind, query)
    try:
        cached = cache.get(key)
    except RedisError:  # the cache only saves look-ups: without it, ask the platform
        logger.warning("picker cache unavailable; searching upstream")
        cached = None
    if cached is not None:
        return [PickerResult(**row) for row in cached]
    client = accounts.client_for(request)
    if kind == "people":
        results = _people(client, query)
    elif kind == "groups":
        results = _groups(client, query)
    else:
        people, groups = gather(lambda: _people(client, query), lambda: _groups(client, query))
        results = people + groups
    with contextlib.suppress(RedisError):
        cache.set(key, [asdict(r) for r in results], CACHE_SECONDS)
    return results


def results_context(
    kind: str, query: str, field: str, results, selected: str = "", *, names: bool = False
) -> dict:
    """What `pickers/_results.html` needs; pages that render results themselves use it too."""
    return {
        "picker_kind": kind,
        "picker_query": query,
        "picker_field": field,
        "picker_results": results,
        "picker_selected": selected,
        "picker_names": names,
        "picker_too_short": 0 < len(query.strip()) < MIN_QUERY,
    }


def chosen_again(data, field: str) -> PickerResult | None:
    """The choice a form sent, as a picker row to show it chosen again: its value and the name
    its result sent beside it (`picker_names`); None without a choice or its name. The name is
    only ever shown back to the person who sent it (escaped); the change uses the value."""
    value = data.get(field) or ""
    parsed = parse_choice(value)
    name = (data.get(f"{field}_name_{value}") or "").strip()[:MAX_NAME]
    if parsed is None or not name:
        return None
    kind, chosen_id = parsed
    return PickerResult(f"{kind}:{chosen_id}", name, "Group" if kind == "group" else "", kind)


@signed_in
@require_GET
def search(request, kind: str):
    """The results fragment for `?q=` (the picker's `field` names the radios)."""
    form = PickerSearchForm(request.GET)
    query, field = form.query(), form.field_name()
    results = find(request, kind, query)
    context = results_context(kind, query, field, results, names=form.keeps_names())
    return render(request, "pickers/_results.html", context)
