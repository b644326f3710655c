"""People found by name for the "owner" filter, kept briefly in the shared cache: paging or
re-sorting a filtered list asks the platform once for the people, not once per page."""

from __future__ import annotations

import hashlib

from workflows_app.civis.client import CivisClient
from workflows_app.core import caching

LOOKUP_SECONDS = 300
MAX_MATCHES = 50


def people_named(client: CivisClient, name: str) -> list[tuple[int, str]]:
    """(id, name) of the people whose name, username or email contains `name`."""
    digest = hashlib.sha256(name.casefold().encode()).hexdigest()[:24]
    key = f"people-named:{client.key_fingerprint}:{digest}"
    found = caching.get(key)
    if found is None:
        page = client.search_users(query=name, limit=MAX_MATCHES)
        found = [(person.id, person.name) for person in page.items]
        caching.set(key, found, LOOKUP_SECONDS)
    return found
