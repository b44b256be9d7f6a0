"""With REDIS_URL set, the cache and the task queue really live in Redis."""

import os
import uuid

import pytest
import redis
from django.core.cache import cache
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from ops import tasks
from ops.cache import cache_get_and_incr, cache_incr

pytestmark = pytest.mark.redis


@pytest.fixture
def raw_redis() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"])


def test_the_cache_writes_to_redis(raw_redis):
    key = f"probe-{uuid.uuid4().hex}"

    cache.set(key, "hello", timeout=30)

    stored = list(raw_redis.scan_iter(match=f"*{key}"))
    assert len(stored) == 1
    assert 0 < raw_redis.ttl(stored[0]) <= 30
    assert cache.get(key) == "hello"


def test_huey_enqueues_tasks_in_redis(raw_redis):
    HUEY.immediate = False
    HUEY.flush()
    try:
        assert isinstance(HUEY.storage, RedisStorage)

        tasks.send_notice(notice_id=1)

        assert HUEY.pending_count() == 1
        assert raw_redis.llen(HUEY.storage.queue_key) == 1
    finally:
        HUEY.flush()
        HUEY.immediate = True


def test_a_counter_counts_in_redis_and_reads_back_through_the_cache():
    key = f"counter-{uuid.uuid4().hex}"

    assert cache_incr(key)
    assert cache_incr(key, 4)

    assert cache.get(key) == 5
    cache.decr(key, 2)
    assert cache.get_many([key]) == {key: 3}


def test_the_cache_reuses_one_redis_client_per_pool():
    assert cache._cache.get_client() is cache._cache.get_client()
    assert cache._cache.get_client(write=True) is cache._cache.get_client()


def test_a_read_and_a_count_share_one_round_trip():
    key, counter = f"value-{uuid.uuid4().hex}", f"counter-{uuid.uuid4().hex}"
    cache.set(key, ("a", 1), timeout=30)

    assert cache_get_and_incr(key, counter) == (("a", 1), True)
    assert cache_get_and_incr(f"missing-{key}", counter) == (None, True)
    assert cache.get(counter) == 2
