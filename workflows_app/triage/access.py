"""Who may still be told about a workflow.

A notice goes only to people the platform still lets open the workflow. Checked when there is
something to tell (rare), not on every read, so the cost grows with events, not with people:

1. one read of the workflow's shares, as the engine's reader: the owner, the people it is
   shared with, and its groups;
2. the members of those groups (one read per group, kept for `GROUP_SECONDS`);
3. anyone else (an admin, say) is checked with their own key, if they are signed in now;
   otherwise they are not told this time.

A person refused on their own key (403 or 404) has their watch marked `access_lost_at` and is
told nothing more until a check passes again (opening the workflow, or a later check).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

from workflows_app.civis import errors
from workflows_app.civis.client import CivisClient
from workflows_app.models import Watch

logger = logging.getLogger(__name__)

GROUP_SECONDS = 300
_REFUSED = (errors.NotFound, errors.Forbidden)


def _members(client: CivisClient, group_id: int) -> set[int]:
    key = f"triage:group:{group_id}"
    found = cache.get(key)
    if found is None:
        try:
            found = {m.id for m in client.get_group(group_id).members}
        except errors.CivisError:
            found = set()
        cache.set(key, found, GROUP_SECONDS)
    return set(found)


def allowed(
    workflow_id: int,
    owner_id: int | None,
    watches: list[Watch],
    reader: CivisClient,
    own_client: Callable[[Watch], CivisClient | None],
) -> list[Watch]:
    """The watches whose person may still open the workflow (see the module's rules)."""
    if not watches:
        return []
    try:
        shares = reader.list_shares(workflow_id)
    except errors.CivisError as exc:
        logger.info(
            "shares of %s unreadable (%s): own keys decide", workflow_id, type(exc).__name__
        )
        shares = None
    direct = {owner_id} if owner_id else set()
    if shares is not None:
        direct |= {user.id for user in shares.users}
    group_members: set[int] | None = None
    kept: list[Watch] = []
    now = timezone.now()
    for watch in watches:
        person = watch.account.civis_user_id
        if person in direct:
            kept.append(watch)
            continue
        if shares is not None and shares.groups:
            if group_members is None:
                group_members = set()
                for group in shares.groups:
                    group_members |= _members(reader, group.id)
            if person in group_members:
                kept.append(watch)
                continue
        client = own_client(watch)
        if client is None:
            continue  # cannot ask as them now: not told this time
        try:
            level = client.get_workflow(workflow_id).my_permission_level or ""
        except _REFUSED:
            Watch.objects.filter(pk=watch.pk).update(access_lost_at=now, access_checked_at=now)
            continue
        except errors.CivisError:
            continue
        Watch.objects.filter(pk=watch.pk).update(level=level, access_checked_at=now)
        kept.append(watch)
    return kept
