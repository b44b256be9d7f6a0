"""Counters in the cache, for callers that fall back to the database when the cache cannot
count. Reads and writes need no wrapper: the shared cache fails soft by itself
(ops.redis_cache), and the local-memory one cannot fail."""

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


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
    return cache.get(key), cache_incr(counter)


def cache_decr(key: str, delta: int) -> None:
    try:
        cache.decr(key, delta)
    except Exception:
        logger.warning("cache decr failed for %s", key, exc_info=True)
