"""Rate limits: a partner's tier for keyed requests, the anonymous rate otherwise.

Each limit counts requests in fixed windows (a minute for ``120/minute``): one
integer per caller and window, incremented in one round trip, whatever the
rate. Up to twice the rate can pass across a window boundary.

Counters live in the ``throttle`` cache (Redis when REDIS_URL is set, so every
worker shares them). A partner's counter is one per partner, whichever
addresses its requests come from; anonymous counters are one per address.

While Redis is unusable (``rehabinfo.cache.shared_cache``, the breaker every
use of Redis shares), counting falls back to this process's memory: the
limits still hold per worker (so N workers let up to N times the rate through)
instead of vanishing, and the breaker's warning says so.
"""

import math
import time
from types import SimpleNamespace

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from partners.models import Partner, RateTier
from rehabinfo.cache import BreakerRedisCache, CacheUnavailable, shared_cache


class ThrottleCounts:
    """The shared counter cache, or this process's memory while it is unusable."""

    def __init__(self):
        self.local = LocMemCache("throttle-fallback", {"MAX_ENTRIES": 10_000})

    def hit(self, key: str, duration: int) -> int:
        """Count one request in the window ``key`` names; return the window's count.

        The key is one integer, expiring a duration and a second after its
        last hit: memory stays constant whatever the rate.
        """
        try:
            with shared_cache.guard():
                return self.increment(caches["throttle"], key, duration + 1)
        except CacheUnavailable:
            return self.increment(self.local, key, duration + 1)

    def count(self, key: str) -> int:
        """The window's count so far, without counting anything."""
        counts = self.local if shared_cache.is_open() else caches["throttle"]
        return int(counts.get(key) or 0)

    def hit_and_read(self, key: str, duration: int, alias: str, keys: list):
        """``hit``, and ``get_many(keys)`` of the cache ``alias``: in one round
        trip when the counters and that cache are one Redis (as in production)."""
        cache, counts = caches[alias], caches["throttle"]
        if not (isinstance(cache, BreakerRedisCache) and shares_redis(cache, counts)):
            return self.hit(key, duration), cache.get_many(keys)
        try:
            return cache.get_many_and_incr(keys, key, duration + 1)
        except CacheUnavailable:
            return self.increment(self.local, key, duration + 1), {}

    @staticmethod
    def increment(counts: BaseCache, key: str, timeout: int) -> int:
        if isinstance(counts, RedisCache):
            # INCR and EXPIRE in one round trip; make_key adds the key prefix.
            redis_key = counts.make_key(key)
            pipeline = get_redis_connection("throttle").pipeline(transaction=False)
            pipeline.incr(redis_key)
            pipeline.expire(redis_key, timeout)
            count, _ = pipeline.execute()
            return count
        counts.add(key, 0, timeout)
        return counts.incr(key)


throttle_counts = ThrottleCounts()
# Where a request counted before its view ran keeps (window key, count).
COUNTED_WINDOW = "rehabinfo.counted_window"


def shares_redis(cache: RedisCache, counts: BaseCache) -> bool:
    """Whether the counters are ``cache``: one configuration (location, key
    prefix, options), as settings.py makes them outside tests."""
    return isinstance(counts, RedisCache) and counts._params == cache._params


def client_address(request) -> str:
    """The client's address, past TRUSTED_PROXY_COUNT proxies (DRF's NUM_PROXIES).

    Rate limits and the admin login lockout count by the same address.
    """
    return BaseThrottle().get_ident(request)


class PartnerRateThrottle(SimpleRateThrottle):
    """Keyed requests: the partner tier's rate; keyless: ``anon`` by address.

    A fixed-window counter (``throttle:<scope>:<ident>:<window>``, the window
    being the number of whole durations since the epoch) rather than DRF's
    sliding log of timestamps, which costs two round trips and a list as long
    as the rate. ``rate``, ``THROTTLE_RATES``, ``parse_rate`` and ``wait()``
    keep DRF's meaning.
    """

    scope = "anon"
    cache_format = "throttle:%(scope)s:%(ident)s"

    def __init__(self):
        # The rate depends on the request, so it is chosen in allow_request.
        pass

    def timer(self) -> float:
        return time.time()

    def rate_for(self, request) -> str | None:
        partner = request.auth
        if isinstance(partner, Partner):
            return settings.PARTNER_RATE_TIERS[partner.rate_tier]
        return self.THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        partner = request.auth
        if isinstance(partner, Partner):
            return self.cache_format % {"scope": "partner", "ident": partner.pk}
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }

    def window_key(self, request, view) -> str | None:
        """The counter of the caller's current window; None when unlimited."""
        self.rate = self.rate_for(request)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)
        if key is None:
            return None
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return f"{key}:{window}"

    def allow_request(self, request, view):
        key = self.window_key(request, view)
        if key is None:
            return True
        counted_key, count = request.META.get(COUNTED_WINDOW, (None, None))
        if counted_key != key:
            count = throttle_counts.hit(key, self.duration)
        return count <= self.num_requests

    def wait(self):
        """Seconds until the current window ends and its count starts again."""
        return self.window_ends - self.now


def caller(request, partner: Partner | None = None) -> SimpleNamespace:
    """What a throttle reads of a request outside DRF: who it counts it for."""
    return SimpleNamespace(auth=partner, META=request.META, headers=request.headers)


def count_and_read(request, alias: str, keys: list) -> tuple[int | None, dict]:
    """Count a keyless request at the anonymous rate and ``get_many(keys)`` of
    the cache ``alias``,
    in one Redis round trip (the response cache's whole hit): the seconds to
    wait if over the limit (else ``None``), and what was found.

    The count is left in the request, so whatever answers it next (the view's
    throttle, a stored document) takes it rather than counting it twice.
    """
    throttle = PartnerRateThrottle()
    key = throttle.window_key(caller(request), None)
    if key is None:
        return None, caches[alias].get_many(keys)
    count, found = throttle_counts.hit_and_read(key, throttle.duration, alias, keys)
    request.META[COUNTED_WINDOW] = (key, count)
    if count <= throttle.num_requests:
        return None, found
    return retry_after_seconds(throttle.wait()), found


def rate_limit_retry_after(request, partner: Partner | None = None) -> int | None:
    """Count a request outside DRF's views; the seconds to wait if over the limit.

    For cache hits and widget pages: the same limits and counters as the API,
    the partner's tier when ``partner`` is given, else the anonymous rate.
    """
    throttle = PartnerRateThrottle()
    if throttle.allow_request(caller(request, partner), None):
        return None
    return retry_after_seconds(throttle.wait())


def retry_after_seconds(wait: float) -> int:
    """A Retry-After value: whole seconds, at least one."""
    return max(1, math.ceil(wait))


class KeyCheckThrottle(PartnerRateThrottle):
    """Refused keys per address at the anonymous rate, checked before any lookup.

    Each refused key (malformed, unknown, revoked...) costs its address one
    count; once the window's share is spent, keys from that address are
    refused with a 429 before anything is looked up, so a flood of made-up
    keys never reaches the database. A good key never costs a count, so
    partners behind one address (a NAT, a shared host) and partners during a
    Redis outage (when the lookup cache is empty) keep their own tier's rate.
    """

    scope = "key-check"

    def exhausted(self, request) -> bool:
        """Whether the address has spent its refusals, without counting."""
        key = self.window_key(request, None)
        return key is not None and throttle_counts.count(key) >= self.num_requests

    def rate_for(self, request) -> str | None:
        return self.THROTTLE_RATES.get(PartnerRateThrottle.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


def check_partner_rate_tiers(app_configs, **kwargs) -> list[checks.Error]:
    """System check: every rate tier has a rate DRF can read (or None)."""
    errors = []
    for tier in RateTier:
        if tier.value not in settings.PARTNER_RATE_TIERS:
            errors.append(
                checks.Error(
                    f"PARTNER_RATE_TIERS has no rate for the {tier.value!r} tier.",
                    id="api.E001",
                )
            )
            continue
        rate = settings.PARTNER_RATE_TIERS[tier.value]
        try:
            SimpleRateThrottle.parse_rate(None, rate)
        except (ValueError, KeyError, IndexError):
            errors.append(
                checks.Error(
                    f"PARTNER_RATE_TIERS[{tier.value!r}] is {rate!r}, not a rate "
                    "such as '600/minute'.",
                    hint="Check API_PARTNER_RATE_STANDARD and API_PARTNER_RATE_HIGH.",
                    id="api.E002",
                )
            )
    return errors
