"""Rate limits: a partner's tier for keyed requests, the anonymous rate otherwise.

Counters live in the ``throttle`` cache (Redis when REDIS_URL is set, so every
worker shares them). A partner's counter is one per partner, whichever
addresses its requests come from; anonymous counters are one per address.

While Redis is unreachable, counting falls back to this process's memory: the
limits still hold per worker (so N workers let up to N times the rate through)
instead of vanishing, and a warning says so.
"""

import logging
import time

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from api.models import Partner, RateTier

logger = logging.getLogger(__name__)


class ThrottleCounts:
    """The shared counter cache, or this process's memory while it is down.

    After a failure the shared cache is left alone for ``retry_after``
    seconds, so an outage costs one failed call per worker per interval
    rather than a connect timeout on every request.
    """

    retry_after = 10.0

    def __init__(self):
        self.local = LocMemCache("throttle-fallback", {"MAX_ENTRIES": 10_000})
        self.shared_down_until = 0.0

    def current(self):
        if time.monotonic() < self.shared_down_until:
            return self.local
        return caches["throttle"]

    def shared_failed(self, error: Exception) -> None:
        self.shared_down_until = time.monotonic() + self.retry_after
        logger.warning(
            "Shared throttle cache unreachable (%s): rate limits count per "
            "process for the next %d s.",
            error.__class__.__name__,
            self.retry_after,
        )


throttle_counts = ThrottleCounts()


def client_address(request) -> str:
    """The client's address, past TRUSTED_PROXY_COUNT proxies (DRF's NUM_PROXIES).

    Rate limits and the admin login lockout count by the same address.
    """
    return BaseThrottle().get_ident(request)


class PartnerRateThrottle(SimpleRateThrottle):
    """Keyed requests: the partner tier's rate; keyless: ``anon`` by address."""

    scope = "anon"

    def __init__(self):
        # The rate depends on the request, so it is chosen in allow_request.
        pass

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

    def allow_request(self, request, view):
        self.rate = self.rate_for(request)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.cache = throttle_counts.current()
        try:
            return super().allow_request(request, view)
        except RedisError as error:  # django-redis re-raises it unwrapped
            throttle_counts.shared_failed(error)
            self.cache = throttle_counts.local
            return super().allow_request(request, view)


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
