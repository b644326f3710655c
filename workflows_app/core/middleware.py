"""One place that turns upstream failures into calm messages, activates the viewer's time zone
and keeps signed-in pages out of caches."""

import datetime
import functools
import logging
import time
import zoneinfo
from urllib.parse import unquote

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect, reselect, reswap, retarget

from workflows_app.civis import errors

logger = logging.getLogger(__name__)

# Sent by elements that refresh themselves (hx-headers); such requests keep no session alive.
POLL_HEADER = "X-Console-Poll"
# When a person last restarted their session's idle clock (a key in the session), and how
# often it is restarted at most: the timeout is SESSION_IDLE_SECONDS give or take this.
IDLE_FROM = "idle_from"
IDLE_CLOCK_STEP_SECONDS = 60

UPSTREAM_MESSAGES = {
    # Before Unavailable, which it refines: isinstance picks the first match.
    errors.OutcomeUnknown: (
        503,
        "The platform took too long to answer",
        "We couldn't tell whether your change happened. Check before trying again.",
    ),
    errors.Unavailable: (
        503,
        "The platform did not answer",
        "Nothing was changed. Try again in a minute.",
    ),
    errors.RateLimited: (
        503,
        "The platform asked us to slow down",
        "Nothing was changed. Try again in a minute.",
    ),
    errors.Forbidden: (
        403,
        "You don't have access to this",
        "Ask the workflow's owner, or someone who can manage it, to give you access.",
    ),
    errors.NotFound: (
        404,
        "We couldn't find that",
        "It may have been deleted, or you may not have access to it.",
    ),
    errors.Invalid: (
        400,
        "The platform did not accept that",
        "Nothing was changed. Check the details and try again.",
    ),
}


def describe(exc: errors.CivisError) -> tuple[int, str, str]:
    """(status, title, advice): the words for an upstream failure, as every page says them."""
    for kind, described in UPSTREAM_MESSAGES.items():
        if isinstance(exc, kind):
            return described
    return 503, "Something went wrong talking to the platform", "Try again in a minute."


def redirect_to_sign_in(request):
    if request.htmx:
        # Come back to the page the person was on, not to the fragment it was asking for.
        here = request.htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(_sign_in_url(here))
    return redirect(_sign_in_url(request.get_full_path()))


def _sign_in_url(next_path: str) -> str:
    return reverse("core:sign_in") + "?" + urlencode({"next": next_path})


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone_of(cookie: str) -> datetime.tzinfo:
    """The viewer's zone from the `tz` cookie console.js sets, or the default. Only a name from
    the time zone database is looked up: a cookie is the browser's to send (or a sibling
    subdomain's to plant), and a directory name, a path or 5,000 characters must not break a
    page, nor fill ZoneInfo's cache."""
    zone = unquote(cookie[:100])  # console.js URL-encodes the "/"
    if zone in _known_zones():
        return zoneinfo.ZoneInfo(zone)
    return timezone.get_default_timezone()


class ConsoleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(_zone_of(request.COOKIES.get("tz", "")))
        response = self.get_response(request)
        if POLL_HEADER in request.headers:
            # A page's own refresh: never cached, and it keeps no session alive. Who asks is
            # not looked up here (a database query), so a run's live status refresh can be
            # served from the cache alone (runs/views.py).
            response["Cache-Control"] = "no-store"
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
            # A person acted: the idle clock restarts, at most once a minute (so reading
            # page after page does not write the session row each time).
            now = int(time.time())
            if now - request.session.get(IDLE_FROM, 0) >= IDLE_CLOCK_STEP_SECONDS:
                request.session[IDLE_FROM] = now
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, errors.CivisError):
            return None
        if isinstance(exception, errors.Unauthorized):
            from workflows_app.core.accounts import sign_out

            sign_out(request)
            messages.error(
                request, "The platform no longer accepts your key, so you were signed out."
            )
            return redirect_to_sign_in(request)
        status, title, advice = describe(exception)
        logger.warning("upstream failure on %s: %s", request.path, type(exception).__name__)
        context = {"title": title, "advice": advice, "detail": str(exception)}
        if request.htmx:
            response = render(request, "partials/_upstream_error.html", context, status=200)
            # The toast itself, even where the asking element selects part of a page (hx-select).
            return reselect(reswap(retarget(response, "#messages"), "innerHTML"), ".toast")
        return render(request, "core/upstream_error.html", context, status=status)
