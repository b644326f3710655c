"""Sign-in with a Civis API key, and the client that acts with the signed-in person's key.

The key is checked with GET /users/me, kept only server-side (encrypted, bound to the session)
and deleted at sign-out. It never goes to the browser, a log line or a Celery message."""

import hashlib
import hmac
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, login, logout
from django.core.cache import cache
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from workflows_app.civis.client import CivisClient
from workflows_app.civis.errors import Unauthorized
from workflows_app.core import crypto, signed_in_user
from workflows_app.core.ratelimit import Limiter
from workflows_app.models import CivisAccount, SessionKey

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

# Ten wrong keys per address in fifteen minutes; the eleventh attempt is refused unchecked.
# Counted before the key is checked (add-then-check), so parallel attempts cannot overtake it.
# Behind a proxy many people share one address (TRUSTED_PROXY_COUNT names the real one): a key
# that signed in lately is not held back by its address, so one person typing wrong keys does
# not lock out everyone behind the same proxy.
failures_by_address = Limiter("signin-address", limit=10, window_seconds=15 * 60)
# The same wrong key, from any address: five tries, then it is refused without asking upstream.
failures_by_key = Limiter("signin-key", limit=5, window_seconds=15 * 60)
KNOWN_GOOD_SECONDS = 24 * 3600
# A wrong key names no account, so per account we bound sign-ins themselves.
signins_by_account = Limiter("signin-account", limit=20, window_seconds=15 * 60)


# In the session, from sign-in: (Civis user id, pk of the SessionKey row). A page's own refresh
# (a run's live status, served from the cache) learns who asks from the session alone, without
# loading the user and their key from the database.
VIEWER = "viewer"


class TooManySignIns(Exception):
    """This account signed in too often lately."""


def client_address(request) -> str:
    """The browser's address: behind N trusted proxies (TRUSTED_PROXY_COUNT), the Nth address
    from the right of X-Forwarded-For, which those proxies appended and a browser cannot forge."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


@sensitive_variables("api_key")
def key_fingerprint(api_key: str) -> str:
    """A name for a key in the rate-limit counters: keyed with SECRET_KEY, so the counters in
    Redis give no way to test guesses offline."""
    return hmac.new(settings.SECRET_KEY.encode(), api_key.encode(), hashlib.sha256).hexdigest()[:32]


def signed_in_lately(fingerprint: str) -> bool:
    return bool(cache.get(f"signin-known:{fingerprint}"))


def note_signed_in(fingerprint: str) -> None:
    cache.set(f"signin-known:{fingerprint}", True, KNOWN_GOOD_SECONDS)


def sign_in(request, api_key: str) -> CivisAccount:
    """Check the key upstream, then log the person in on a fresh session id.

    Raises Unauthorized for a key the platform does not accept, other CivisErrors when the
    platform cannot be asked."""
    me = CivisClient(api_key).users_me()
    if not signins_by_account.take(str(me.id)):
        raise TooManySignIns
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username=f"civis-{me.id}")
        account, _ = CivisAccount.objects.update_or_create(
            civis_user_id=me.id,
            defaults={
                "user": user,
                "name": me.name or me.username or f"User {me.id}",
                "username": me.username or "",
                "email": me.email or "",
            },
        )
        user.first_name = (me.name or "")[:150]
        user.save(update_fields=["first_name"])
    previous_session = request.session.session_key
    login(request, user, backend=signed_in_user.PATH)  # rotates the session id
    request.session.save()
    if previous_session:  # a key bound to the old id would otherwise outlive it
        SessionKey.objects.filter(session_key=previous_session).delete()
    stored, _ = SessionKey.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "encrypted_key": crypto.encrypt(api_key)},
    )
    request.session[VIEWER] = [me.id, stored.pk]
    return account


def viewer_of(session) -> tuple[int, int] | None:
    """(Civis user id, SessionKey pk) of a signed-in session, as noted at sign-in; None when
    nobody is signed in on it (or they signed in before the note existed)."""
    noted = session.get(VIEWER)
    if SESSION_KEY not in session or not isinstance(noted, list) or len(noted) != 2:
        return None
    person_id, session_key_id = noted
    if not isinstance(person_id, int) or not isinstance(session_key_id, int):
        return None
    return person_id, session_key_id


def sign_out(request) -> None:
    if request.session.session_key:
        SessionKey.objects.filter(session_key=request.session.session_key).delete()
    logout(request)


def api_key_for(request) -> str | None:
    if not request.user.is_authenticated or not request.session.session_key:
        return None
    stored = SessionKey.objects.filter(
        session_key=request.session.session_key, user=request.user
    ).first()
    return crypto.decrypt(stored.encrypted_key) if stored else None


def client_for(request) -> CivisClient:
    """The API client acting as the signed-in person, for use inside a web request."""
    cached = getattr(request, "_civis_client", None)
    if cached is not None:
        return cached
    key = api_key_for(request)
    if key is None:
        raise Unauthorized("There is no platform key for this session.")
    account = getattr(request.user, "civis", None)
    client = CivisClient(key, actor_id=account.civis_user_id if account else None)
    request._civis_client = client
    return client


def is_local_demo() -> bool:
    """The one-click demo sign-in exists only in development against civis_local."""
    host = urlsplit(settings.CIVIS_API_ENDPOINT).hostname
    return bool(settings.DEBUG and settings.CIVIS_LOCAL_ADMIN_KEY and host in LOOPBACK_HOSTS)


def signed_in(view):
    """Like login_required, but answers htmx requests with HX-Redirect instead of a 302."""
    from functools import wraps

    from workflows_app.core.middleware import redirect_to_sign_in

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_sign_in(request)
        return view(request, *args, **kwargs)

    return wrapper
