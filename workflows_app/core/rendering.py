"""Page or fragment: how every page that htmx also swaps in parts answers.

One URL serves both. An htmx swap gets the fragment; everything else gets the whole page,
including htmx's history restore (back or refresh after the cache missed), which puts the
answer in place of the whole body and so needs a page, never a bare fragment.
"""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request) -> bool:
    """True for an htmx swap; False for a full load and for htmx's history restore."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_or_fragment(request, page: str, fragment: str, context: dict, status: int = 200):
    """The fragment for an htmx swap, the whole page otherwise; caches are told the answer
    depends on `HX-Request`."""
    template = fragment if wants_fragment(request) else page
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
