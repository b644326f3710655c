"""/users, /users/me, /users/{id}, /users/{id}/api_keys, /groups."""

import secrets
from datetime import timedelta

from django.db.models import Count, Prefetch, Q

from .. import render
from ..keys import KEYS, USAGE
from ..levers import now
from ..models import ApiKey, Group, User
from ..wire import (
    ApiError,
    Page,
    json_response,
    query_bool,
    query_list,
    read_body,
    require,
    timestamp,
)
from . import methods

USER_ORDERS = {"name": "name", "user": "username", "created_at": "created_at", "id": "id"}
GROUP_ORDERS = {"name": "name", "created_at": "created_at", "id": "id"}
MAX_KEY_SECONDS = 60 * 60 * 24 * 365 * 5


def _groups_prefetch():
    return Prefetch("member_groups", queryset=Group.objects.order_by("id"))


def list_users(request):
    page = Page(request, USER_ORDERS, "name", max_limit=1000, default_dir="asc")
    users = User.objects.prefetch_related(_groups_prefetch())
    if query := request.GET.get("query"):
        users = users.filter(
            Q(name__icontains=query) | Q(username__icontains=query) | Q(email__icontains=query)
        )
    group_ids = query_list(request, "group_ids") + query_list(request, "group_id")
    if group_ids:
        users = users.filter(member_groups__id__in=[int(g) for g in group_ids]).distinct()
    status = request.GET.get("account_status")
    if status in {"active", "inactive"}:
        users = users.filter(active=status == "active")
    exclude_groups = bool(query_bool(request, "exclude_groups"))
    rows, total = page.apply(users)
    return page.respond(
        rows,
        total,
        lambda u: render.user_summary(u, [] if exclude_groups else u.member_groups.all()),
    )


def _user(request, id) -> User:
    if id == "me":
        return request.caller.user
    try:
        user_id = int(id)
    except ValueError as exc:
        raise ApiError(404, f"User {id} not found.") from exc
    user = User.objects.filter(id=user_id).first()
    if user is None:
        raise ApiError(404, f"User {id} not found.")
    return user


def get_me(request):
    user = request.caller.user
    return json_response(render.user_me(user, list(user.member_groups.order_by("id"))))


def get_user(request, id):
    user = _user(request, id)
    caller = request.caller
    level = "manage" if caller.is_admin else "write" if user.id == caller.user.id else "read"
    return json_response(render.user_detail(user, list(user.member_groups.order_by("id")), level))


def _key_owner(request, id) -> User:
    """Keys are the owner's business: a user sees and mints their own, an admin anyone's."""
    user = _user(request, id)
    if not request.caller.is_admin and user.id != request.caller.user.id:
        raise ApiError(403, "You may only manage your own API keys.")
    return user


def _key_summary(key: ApiKey) -> dict:
    at = now()
    expired = key.expires_at <= at
    return {
        "id": key.id,
        "name": key.name,
        "expiresAt": timestamp(key.expires_at),
        "createdAt": timestamp(key.created_at),
        "revokedAt": timestamp(key.revoked_at),
        "lastUsedAt": timestamp(key.last_used_at),
        "scopes": ["public"],
        "useCount": key.use_count,
        "expired": expired,
        "active": not expired and key.revoked_at is None,
    }


def list_keys(request, id):
    user = _key_owner(request, id)
    page = Page(request, {"id": "id", "created_at": "created_at"}, "id", max_limit=50,
                default_limit=50)  # fmt: skip
    USAGE.flush()  # uses are counted in memory; show them exactly
    rows, total = page.apply(ApiKey.objects.filter(user=user))
    return page.respond(rows, total, lambda key: {**_key_summary(key), "constraintCount": 0})


def create_key(request, id):
    user = _key_owner(request, id)
    body = read_body(request)
    require(body, "name", "expires_in")
    try:
        seconds = int(body["expires_in"])
    except (TypeError, ValueError) as exc:
        raise ApiError(400, "expires_in must be a number of seconds.") from exc
    if not 0 < seconds <= MAX_KEY_SECONDS:
        raise ApiError(400, f"expires_in must be between 1 and {MAX_KEY_SECONDS}.")
    at = now()
    key = ApiKey.objects.create(
        user=user,
        name=str(body["name"]),
        token=secrets.token_urlsafe(32),
        created_at=at,
        expires_at=at + timedelta(seconds=seconds),
    )
    return json_response({**_key_summary(key), "constraints": [], "token": key.token})


def _key(request, id, key_id) -> ApiKey:
    USAGE.flush()  # uses are counted in memory; show them exactly
    key = ApiKey.objects.filter(user=_key_owner(request, id), id=key_id).first()
    if key is None:
        raise ApiError(404, f"API key {key_id} not found.")
    return key


def get_key(request, id, key_id):
    return json_response({**_key_summary(_key(request, id, key_id)), "constraints": []})


def revoke_key(request, id, key_id):
    key = _key(request, id, key_id)
    key.revoked_at = key.revoked_at or now()
    key.save(update_fields=["revoked_at"])
    KEYS.forget(key.token)  # refused from the next request on, not when the cache expires
    return json_response({**_key_summary(key), "constraints": []})


def _members_prefetch():
    return Prefetch("members", queryset=User.objects.order_by("name"))


def list_groups(request):
    page = Page(request, GROUP_ORDERS, "name", max_limit=1000, default_limit=50,
                default_dir="asc")  # fmt: skip
    groups = Group.objects.prefetch_related(_members_prefetch()).annotate(n=Count("members"))
    if query := request.GET.get("query"):
        groups = groups.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    user_ids = query_list(request, "user_ids")
    if user_ids:
        groups = groups.filter(members__id__in=[int(u) for u in user_ids]).distinct()
    include_members = query_bool(request, "include_members")
    rows, total = page.apply(groups)
    return page.respond(
        rows,
        total,
        lambda g: {
            **render.group(g, list(g.members.all()), detail=False),
            **({} if include_members else {"members": []}),
        },
    )


def get_group(request, id):
    group = Group.objects.filter(id=id).first()
    if group is None:
        raise ApiError(404, f"Group {id} not found.")
    return json_response(render.group(group, list(group.members.order_by("name")), detail=True))


users = methods(GET=list_users)
me = methods(GET=get_me)
user = methods(GET=get_user)
api_keys = methods(GET=list_keys, POST=create_key)
api_key = methods(GET=get_key, DELETE=revoke_key)
groups = methods(GET=list_groups)
group = methods(GET=get_group)
