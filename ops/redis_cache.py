"""Django's Redis cache, failing soft, with one client per connection pool.

The cache may lie; the database must not (DESIGN 9). Everything that reads the cache (sessions,
the signed-in user, cached pages, allauth's rate limits) falls back to the database on a miss,
so here a Redis that refuses or hangs is a miss, logged, never an error page: reads find
nothing and writes are dropped. Its connections give up at once while Redis is known to be
failing (ops.redis), so a failing Redis costs a request at most one socket timeout.

`add` answers True when Redis fails: allauth's rate limits lock their history with `add`, and
a lock that could never be taken would refuse every sign-in while Redis is down. Counting
(`incr`, ops.cache's helpers) still raises, for callers that must know.

Django builds a new `redis.Redis` for every cache call, and its constructor alone (a table of
some five hundred response callbacks) cost about 0.4 ms a call here, more than the round trip
to Redis. A client is thread-safe and shares its pool, so each pool keeps one.
"""

import functools
import logging

import redis
from django.core.cache.backends import redis as django_redis

from ops.redis import FailFastConnection

logger = logging.getLogger(__name__)


def _failing_soft(answer):
    """Call the method; on a Redis failure log it and return `answer(args, kwargs)`."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except redis.RedisError:
                logger.warning("cache %s failed; carrying on without it", method.__name__)
                return answer(*args, **kwargs)

        return wrapper

    return decorator


def _default(key, default=None, version=None):
    return default


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("connection_class", FailFastConnection)
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    get = _failing_soft(_default)(django_redis.RedisCache.get)
    get_many = _failing_soft(lambda *args, **kwargs: {})(django_redis.RedisCache.get_many)
    has_key = _failing_soft(lambda *args, **kwargs: False)(django_redis.RedisCache.has_key)
    set = _failing_soft(lambda *args, **kwargs: None)(django_redis.RedisCache.set)
    add = _failing_soft(lambda *args, **kwargs: True)(django_redis.RedisCache.add)
    touch = _failing_soft(lambda *args, **kwargs: False)(django_redis.RedisCache.touch)
    delete = _failing_soft(lambda *args, **kwargs: False)(django_redis.RedisCache.delete)
    set_many = _failing_soft(lambda data, *args, **kwargs: list(data))(
        django_redis.RedisCache.set_many
    )
    delete_many = _failing_soft(lambda *args, **kwargs: None)(django_redis.RedisCache.delete_many)
    clear = _failing_soft(lambda *args, **kwargs: None)(django_redis.RedisCache.clear)

    def incr_or_create(self, key: str, delta: int = 1) -> int:
        """One INCR, which creates a missing counter, where Django's add-then-incr takes three
        round trips (SET NX, EXISTS, INCRBY). Django stores integers as plain Redis integers,
        so the counter reads back through `get` as usual."""
        key = self.make_and_validate_key(key)
        return self._cache.get_client(key, write=True).incr(key, delta)

    def get_and_incr(self, key: str, counter: str, delta: int = 1):
        """`key`'s value and `counter` incremented, in one round trip (a pipeline)."""
        key, counter = self.make_and_validate_key(key), self.make_and_validate_key(counter)
        client = self._cache.get_client(key, write=True)
        value, _ = client.pipeline(transaction=False).get(key).incr(counter, delta).execute()
        return None if value is None else self._cache._serializer.loads(value)
