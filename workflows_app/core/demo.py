"""The demo people of civis_local, offered as one-click sign-ins in development only.

Keys are minted through the local API (POST /users/{id}/api_keys as its admin), exactly as an
admin would on the platform; nothing here bypasses the API."""

from django.conf import settings
from django.core.cache import cache

from workflows_app.civis.client import CivisClient
from workflows_app.civis.errors import CivisError
from workflows_app.words.changes import and_list


def _admin() -> CivisClient:
    return CivisClient(settings.CIVIS_LOCAL_ADMIN_KEY)


def role(group_names: list[str]) -> str:
    """Who someone is in the demo, from the groups the seed put them in: 'In Data Science and
    Data Engineering', 'In IT Operations' (the list of people already names them)."""
    return f"In {and_list(group_names)}" if group_names else "In no group"


def people() -> list[dict]:
    """[{id, name, username, role}] of the local API's people, or [] when it cannot be asked;
    the role from their groups as the platform lists them (the seed's facts, not ours)."""
    cached = cache.get("demo-people")
    if cached is not None:
        return cached
    try:
        admin = _admin()
        admin_id = admin.users_me().id  # signing in as the admin is not part of the demo
        found = [
            {
                "id": person.id,
                "name": person.name,
                "username": person.username,
                "role": role([group.name for group in person.groups]),
            }
            for person in admin.search_users(limit=50).items
            if person.id != admin_id
        ]
    except CivisError:
        return []
    cache.set("demo-people", found, timeout=300)
    return found


def offered(user_id: int) -> bool:
    """Whether the sign-in page offers this person (never the admin, nor anyone else)."""
    return any(person["id"] == user_id for person in people())


def mint_key(user_id: int) -> tuple[int | None, str]:
    """(the new key's id, the key) for an offered person."""
    return _admin().mint_api_key(user_id, name="Workflows Console demo sign-in")


def revoke_key(user_id: int, key_id: int) -> None:
    """Revoke a key the demo sign-in minted (at sign-out, or when the sign-in is refused)."""
    _admin().delete_api_keys(user_id, key_id)
