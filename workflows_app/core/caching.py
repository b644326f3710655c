"""The shared cache where it is only a cache: reads that miss and writes that are skipped
when Redis does not answer, so a page that only saves work with it still works without it.

Not for what depends on the cache (the live-status lock, the sign-in limits): those use
`django.core.cache.cache` and let the error show."""

import logging
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def get(key: str, default: Any = None) -> Any:
    """The cached value, or `default` when absent or when the cache does not answer."""
    try:
        return cache.get(key, default)
    except RedisError as error:
        logger.warning("cache unavailable (get): %s", type(error).__name__)
        return default


def get_many(keys: list[str]) -> dict[str, Any]:
    try:
        return cache.get_many(keys)
    except RedisError as error:
        logger.warning("cache unavailable (get_many): %s", type(error).__name__)
        return {}


def set(key: str, value: Any, timeout: float | None) -> bool:  # noqa: A001
    """Keep `value`; False when the cache does not answer (nothing is kept)."""
    try:
        cache.set(key, value, timeout)
    except RedisError as error:
        logger.warning("cache unavailable (set): %s", type(error).__name__)
        return False
    return True


def set_many(values: dict[str, Any], timeout: float | None) -> bool:
    """Keep each of `values` (one round trip); False when the cache does not answer."""
    try:
        cache.set_many(values, timeout)
    except RedisError as error:
        logger.warning("cache unavailable (set_many): %s", type(error).__name__)
        return False
    return True


def delete(key: str) -> bool:
    """Drop `key`; False when the cache does not answer (it then expires by itself)."""
    try:
        cache.delete(key)
    except RedisError as error:
        logger.warning("cache unavailable (delete): %s", type(error).__name__)
        return False
    return True


def add(key: str, value: Any, timeout: float | None) -> bool:
    """Keep `value` unless the key exists: True when kept; False when it existed or the cache
    does not answer."""
    try:
        return bool(cache.add(key, value, timeout))
    except RedisError as error:
        logger.warning("cache unavailable (add): %s", type(error).__name__)
        return False
