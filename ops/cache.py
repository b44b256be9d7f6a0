"""The cache may lie or be down; callers fall back to the database. These wrappers turn a
cache failure into a miss (and log it) instead of an error page."""

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except Exception:
        logger.warning("cache get failed for %s", key, exc_info=True)
        return default


def cache_get_many(keys: list[str]) -> dict[str, Any]:
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache get_many failed", exc_info=True)
        return {}


def cache_set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache set failed for %s", key, exc_info=True)


def cache_add(key: str, value: Any, timeout: int | None) -> None:
    try:
        cache.add(key, value, timeout)
    except Exception:
        logger.warning("cache add failed for %s", key, exc_info=True)


def cache_delete_many(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("cache delete failed", exc_info=True)


def cache_incr(key: str, delta: int = 1) -> bool:
    """Add `delta` to a counter, creating it; False when the cache could not count."""
    try:
        if incr_or_create := getattr(cache, "incr_or_create", None):  # ops.redis_cache
            incr_or_create(key, delta)
            return True
        cache.add(key, 0, timeout=None)
        cache.incr(key, delta)
        return True
    except Exception:
        logger.warning("cache incr failed for %s", key, exc_info=True)
        return False


def cache_get_and_incr(key: str, counter: str) -> tuple[Any, bool]:
    """`key`'s value (None on a miss) and whether `counter` was incremented; one round trip
    on Redis (ops.redis_cache), two calls elsewhere."""
    try:
        if get_and_incr := getattr(cache, "get_and_incr", None):
            return get_and_incr(key, counter), True
    except Exception:
        logger.warning("cache get_and_incr failed for %s", key, exc_info=True)
        return None, False
    return cache_get(key), cache_incr(counter)


def cache_decr(key: str, delta: int) -> None:
    try:
        cache.decr(key, delta)
    except Exception:
        logger.warning("cache decr failed for %s", key, exc_info=True)
