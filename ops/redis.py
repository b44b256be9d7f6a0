"""Redis connections that give up at once while their Redis is known to be failing.

A Redis that refuses connections costs each call a refused connect; a hung one (it accepts and
never answers) costs each call its full socket timeout, and a page makes several calls. Once a
connection to a Redis fails, this process treats that Redis as down for `DOWN_SECONDS`: a new
connection to it fails at once, without touching the network. After that, the next call tries
again. The cache and the task queue both connect through this class (config/settings.py), so a
failing Redis costs a request at most one timeout, and then nothing for a while.
"""

import threading
import time

import redis

DOWN_SECONDS = 5.0

# (host, port) -> the monotonic time until which that Redis counts as down.
_down_until: dict[tuple[str, int], float] = {}
_lock = threading.Lock()


def redis_is_down(host: str, port: int) -> bool:
    with _lock:
        return time.monotonic() < _down_until.get((host, port), 0.0)


def redis_mark_down(host: str, port: int) -> None:
    with _lock:
        _down_until[(host, port)] = time.monotonic() + DOWN_SECONDS


def redis_forget_failures() -> None:
    with _lock:
        _down_until.clear()


class FailFastConnection(redis.Connection):
    def connect_check_health(self, *args, **kwargs):
        if self._sock is None and redis_is_down(self.host, self.port):
            raise redis.ConnectionError(
                f"Redis at {self.host}:{self.port} failed less than {DOWN_SECONDS:g} s ago"
            )
        try:
            return super().connect_check_health(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            redis_mark_down(self.host, self.port)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            redis_mark_down(self.host, self.port)
            raise


def fail_fast_pool(url: str, *, connect_timeout: float, timeout: float) -> redis.ConnectionPool:
    """A connection pool for `url` whose connections fail fast (the task queue's)."""
    return redis.ConnectionPool.from_url(
        url,
        connection_class=FailFastConnection,
        socket_connect_timeout=connect_timeout,
        socket_timeout=timeout,
    )
