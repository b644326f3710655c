"""Sign-in, sign-out and the one-click demo sign-in (development against civis_local only)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from workflows_app.civis import errors
from workflows_app.core import accounts, demo
from workflows_app.core.forms import SignInForm


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return "/"


def _refused(request) -> bool:
    address = accounts.client_address(request)
    return accounts.failures_by_address.is_blocked(address)


@sensitive_post_parameters("api_key")
def sign_in(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _refused(request):
            form.is_valid()
            form.add_error(None, "Too many attempts from here. Wait 15 minutes and try again.")
            status = 429
        elif form.is_valid():
            try:
                accounts.sign_in(request, form.cleaned_data["api_key"])
            except errors.Unauthorized:
                accounts.failures_by_address.hit(accounts.client_address(request))
                form.add_error("api_key", "This key was not accepted by the platform")
                status = 400
            except accounts.TooManySignIns:
                form.add_error(None, "Too many sign-ins for this person. Wait 15 minutes.")
                status = 429
            except errors.CivisError:
                form.add_error(
                    None,
                    "The platform did not answer, so we could not check your key. "
                    "Try again in a minute.",
                )
                status = 503
            else:
                return redirect(_next_url(request))
        else:
            status = 400
    context = {
        "form": form,
        "next": _next_url(request),
        "demo_people": demo.people() if accounts.is_local_demo() else None,
    }
    return render(request, "core/sign_in.html", context, status=status)


@require_POST
def demo_sign_in(request):
    if not accounts.is_local_demo():
        raise Http404
    try:
        key = demo.mint_key(int(request.POST.get("user_id", "0")))
        accounts.sign_in(request, key)
    except (ValueError, errors.CivisError):
        messages.error(request, "We could not sign you in as that person. Try another.")
        return redirect("core:sign_in")
    return redirect(_next_url(request))


@require_POST
def sign_out(request):
    accounts.sign_out(request)
    messages.success(request, "You are signed out.")
    return redirect("core:sign_in")


def home(request):
    return render(request, "core/home.html")
