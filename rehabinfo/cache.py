"""The shared cache (Redis) behind one circuit breaker, for every use of it.

The response cache, the content version and the rate-limit counters all
reach Redis through ``shared_cache``. A call that fails (refused, reset, or
timed out against a Redis that accepts connections and never answers) opens
the breaker: for ``REDIS_RETRY_AFTER`` seconds no call goes to Redis at all,
cache reads are misses and writes are skipped at once, and the throttle
counts in this process's memory. One warning per interval says so; the next
call after the interval tries Redis again.

Short connect and socket timeouts (``REDIS_CONNECT_TIMEOUT``,
``REDIS_SOCKET_TIMEOUT``) bound what the one failing call costs. This
replaces django-redis's ``IGNORE_EXCEPTIONS``, which waits for every call's
timeout and logs a traceback for each.
"""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The shared cache failed, or is being left alone after a failure."""


class CacheBreaker:
    """Whether the shared cache is usable right now, per process."""

    def __init__(self):
        self.down_until = 0.0
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    @contextmanager
    def guard(self):
        """Run a block against Redis; raise CacheUnavailable instead of waiting."""
        if self.is_open():
            raise CacheUnavailable
        try:
            yield
        except (RedisError, OSError) as error:  # OSError: socket-level failures
            self.trip(error)
            raise CacheUnavailable from error

    def trip(self, error: Exception) -> None:
        with self.lock:
            # Threads that were waiting on the same outage report it once.
            if self.is_open():
                return
            retry_after = settings.REDIS_RETRY_AFTER
            self.down_until = time.monotonic() + retry_after
        logger.warning(
            "Shared cache (Redis) unreachable (%s): for the next %g s responses "
            "are not cached and rate limits count per process.",
            error.__class__.__name__,
            retry_after,
        )

    def reset(self) -> None:
        self.down_until = 0.0


shared_cache = CacheBreaker()


class BreakerRedisCache(RedisCache):
    """django-redis with Django's cache API through ``shared_cache``.

    Reads answer as misses and writes do nothing while Redis is unusable;
    none of these calls raises. Configure it without ``IGNORE_EXCEPTIONS``, so that
    failures reach the breaker.
    """

    def guarded(self, fallback, method, *args, **kwargs):
        try:
            with shared_cache.guard():
                return method(*args, **kwargs)
        except CacheUnavailable:
            return fallback

    def get(self, key, default=None, version=None, client=None):
        return self.guarded(default, super().get, key, default, version, client)

    def get_many(self, *args, **kwargs):
        return self.guarded({}, super().get_many, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self.guarded(False, super().set, *args, **kwargs)

    def get_many_and_incr(self, keys, counter: str, timeout: int) -> tuple[int, dict]:
        """Count one more in ``counter`` (expiring ``timeout`` seconds after
        its last count) and ``get_many(keys)``, in one round trip: what a
        response-cache hit needs from Redis. Raises ``CacheUnavailable``
        while Redis is unusable, so the caller counts elsewhere."""
        client = self.client
        redis_keys = [client.make_key(key) for key in keys]
        counter_key = client.make_key(counter)
        with shared_cache.guard():
            pipeline = client.get_client(write=True).pipeline(transaction=False)
            pipeline.incr(counter_key)
            pipeline.expire(counter_key, timeout)
            pipeline.mget(redis_keys)
            count, _, values = pipeline.execute()
        found = {
            key: client.decode(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }
        return count, found

    def set_many(self, *args, **kwargs):
        return self.guarded([], super().set_many, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self.guarded(False, super().add, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self.guarded(False, super().touch, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self.guarded(False, super().has_key, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self.guarded(False, super().delete, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self.guarded(None, super().delete_many, *args, **kwargs)

    def clear(self):
        return self.guarded(None, super().clear)
