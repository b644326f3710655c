"""Time zones by city: "Chicago" or "America/Chicago" → America/Chicago."""

from __future__ import annotations

import functools
import zoneinfo

REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
           "Indian/", "Pacific/")  # fmt: skip


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def city_of(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@functools.cache
def cities() -> tuple[tuple[str, str], ...]:
    """(zone, city) for the zones named after a place, sorted by city; UTC first."""
    places = sorted(
        ((zone, city_of(zone)) for zone in known_zones() if zone.startswith(REGIONS)),
        key=lambda pair: (pair[1], pair[0]),
    )
    return (("UTC", "UTC"), *places)


@functools.cache
def _by_city() -> dict[str, str]:
    found: dict[str, str] = {}
    for zone, city in cities():
        found.setdefault(city.casefold(), zone)
    return found


def find_zone(typed: str) -> str | None:
    """The zone a person means by a city or a zone's name; None when there is none."""
    text = " ".join(typed.split())
    if not text or len(text) > 64:
        return None
    if text in known_zones():
        return text
    by_name = {zone.casefold(): zone for zone in known_zones()}
    return by_name.get(text.casefold().replace(" ", "_")) or _by_city().get(text.casefold())
