"""Sign-in, sign-out and the one-click demo sign-in (development against civis_local only)."""

import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from redis.exceptions import RedisError

from workflows_app.civis import errors
from workflows_app.core import accounts, demo
from workflows_app.core.forms import SignInForm


def _next_url(request) -> str:
    """Where to go after signing in: a path on this site only. `redirect()` reads any other
    text as the name of a view (`?next=²` was a 500), so only a path is passed on."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return "/"


logger = logging.getLogger(__name__)

TOO_MANY_FROM_HERE = "Too many attempts from here. Wait 15 minutes and try again."
TOO_MANY_WITH_KEY = "This key was not accepted several times. Wait 15 minutes and try again."
# Sign-in counts attempts in the shared cache (the limits against guessing keys): without it,
# nobody is let in unchecked.
SIGN_IN_UNAVAILABLE = (
    "Signing in is not possible right now: a part of the console that checks sign-in "
    "attempts is not answering. Your key was not checked. Try again in a few minutes."
)


class _Attempt:
    """One sign-in attempt, counted before the key is checked (add-then-check), per key
    fingerprint and per address; `refusal` says why it is refused unchecked."""

    def __init__(self, request, key: str):
        self.address = accounts.client_address(request)
        self.fingerprint = accounts.key_fingerprint(key)
        self.by_address = not accounts.signed_in_lately(self.fingerprint)
        self.refusal = None
        if not accounts.failures_by_key.take(self.fingerprint):
            self.refusal = TOO_MANY_WITH_KEY
        elif self.by_address and not accounts.failures_by_address.take(self.address):
            self.refusal = TOO_MANY_FROM_HERE

    def succeeded(self) -> None:
        accounts.failures_by_key.reset(self.fingerprint)
        if self.by_address:
            accounts.failures_by_address.give_back(self.address)
        accounts.note_signed_in(self.fingerprint)

    def not_checked(self) -> None:
        """The platform could not be asked: the attempt does not count."""
        accounts.failures_by_key.give_back(self.fingerprint)
        if self.by_address:
            accounts.failures_by_address.give_back(self.address)


@sensitive_post_parameters("api_key")
def sign_in(request):
    try:
        return _sign_in(request)
    except RedisError as error:
        logger.warning("sign-in refused: the cache is unavailable (%s)", type(error).__name__)
        if request.method == "POST" and request.user.is_authenticated:
            accounts.sign_out(request)  # never half signed in
        form = SignInForm(request.POST)  # bound (add_error needs it); the key is not shown
        form.is_valid()
        form.add_error(None, SIGN_IN_UNAVAILABLE)
        context = {"form": form, "next": _next_url(request), "demo_people": None}
        return render(request, "core/sign_in.html", context, status=503)


def _sign_in(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        attempt = _Attempt(request, form.cleaned_data["api_key"]) if form.is_valid() else None
        if attempt is None:
            status = 400
        elif attempt.refusal:
            form.add_error(None, attempt.refusal)
            status = 429
        else:
            try:
                accounts.sign_in(request, form.cleaned_data["api_key"])
            except errors.Unauthorized:
                form.add_error("api_key", "This key was not accepted by the platform")
                status = 400
            except accounts.TooManySignIns:
                attempt.succeeded()  # a right key: not a guess
                form.add_error(None, "Too many sign-ins for this person. Wait 15 minutes.")
                status = 429
            except errors.CivisError:
                attempt.not_checked()
                form.add_error(
                    None,
                    "The platform did not answer, so we could not check your key. "
                    "Try again in a minute.",
                )
                status = 503
            else:
                attempt.succeeded()
                return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "demo_people": demo.people() if accounts.is_local_demo() else None,
    }
    return render(request, "core/sign_in.html", context, status=status)


DEMO_KEY = "demo-minted-key"  # session: (person id, key id) of the key the demo sign-in minted
TOO_MANY_FOR_PERSON = "Too many sign-ins for this person. Wait 15 minutes."
NOT_OFFERED = "We could not sign you in as that person. Try another."


@require_POST
def demo_sign_in(request):
    if not accounts.is_local_demo():
        raise Http404
    raw = request.POST.get("user_id", "")
    user_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    if user_id is None or not demo.offered(user_id):
        return _demo_refused(request, NOT_OFFERED, 400)
    key_id = None
    try:
        key_id, key = demo.mint_key(user_id)
        accounts.sign_in(request, key)
    except accounts.TooManySignIns:
        _revoke_quietly(user_id, key_id)
        return _demo_refused(request, TOO_MANY_FOR_PERSON, 429)
    except errors.CivisError:
        _revoke_quietly(user_id, key_id)
        return _demo_refused(request, NOT_OFFERED, 503)
    if key_id is not None:
        request.session[DEMO_KEY] = [user_id, key_id]
    return redirect(_next_url(request))


def _demo_refused(request, words: str, status: int):
    """The sign-in page with the refusal at the top, as the key form says it."""
    form = SignInForm({})  # bound, so its errors show; the empty key is not what is wrong
    form.is_valid()
    form.errors.clear()
    form.add_error(None, words)
    context = {"form": form, "next": _next_url(request), "demo_people": demo.people()}
    return render(request, "core/sign_in.html", context, status=status)


def _revoke_quietly(user_id: int, key_id: int | None) -> None:
    if key_id is None:
        return
    try:
        demo.revoke_key(user_id, key_id)
    except errors.CivisError as error:  # it expires by itself in eight hours
        logger.warning("could not revoke a demo key (%s)", type(error).__name__)


@require_POST
def sign_out(request):
    minted = request.session.get(DEMO_KEY)
    accounts.sign_out(request)
    if minted and accounts.is_local_demo():
        _revoke_quietly(int(minted[0]), int(minted[1]))
    messages.success(request, "You are signed out.")
    return redirect("core:sign_in")


def home(request):
    """The front page lives with triage (what needs you); signed out, the way in."""
    from workflows_app.triage.views import front_page

    return front_page(request)
