"""Rate limits: fixed windows, one Redis round trip and one integer per caller."""

import datetime
import uuid

import pytest
import redis

import api.throttling
from api.throttling import PartnerRateThrottle, ThrottleCounts
from partners.models import RateTier
from tests.conftest import FROZEN_NOW

TOPICS = "/api/v1/topics/"
THROTTLE_REDIS_URL = "redis://127.0.0.1:6379/13"
WINDOW = int(FROZEN_NOW.timestamp()) // 60  # FROZEN_NOW starts a minute window


def seconds_into_the_window(seconds: float) -> datetime.datetime:
    return FROZEN_NOW + datetime.timedelta(seconds=seconds)


@pytest.fixture
def two_a_minute(settings, monkeypatch):
    """Anonymous and standard-tier partners: 2 requests a minute."""
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    settings.PARTNER_RATE_TIERS = {
        **settings.PARTNER_RATE_TIERS,
        "standard": "2/minute",
    }


@pytest.fixture
def throttle_redis(settings, monkeypatch):
    """The ``throttle`` alias on the local Redis, under a key prefix of its own."""
    server = redis.Redis.from_url(THROTTLE_REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {THROTTLE_REDIS_URL}")
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": THROTTLE_REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    monkeypatch.setattr(api.throttling, "throttle_counts", ThrottleCounts())
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "100/minute"})
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


def test_throttle_costs_one_redis_round_trip_per_request(
    client, db, throttle_redis, redis_round_trips
):
    client.get(TOPICS)  # Connects (and stores the response: the next is a hit).
    redis_round_trips.clear()

    response = client.get(TOPICS)

    assert response.status_code == 200
    assert response["X-Cache"] == "hit"
    assert len(redis_round_trips) == 1


def test_throttle_keeps_one_integer_per_caller_and_window_on_redis(
    client, db, clock, throttle_redis
):
    server, prefix = throttle_redis

    statuses = {client.get(TOPICS).status_code for _ in range(20)}

    assert statuses == {200}
    key = f"{prefix}:1:throttle:anon:127.0.0.1:{WINDOW}"
    assert list(server.scan_iter(f"{prefix}:*")) == [key.encode()]
    assert server.get(key) == b"20"
    assert 0 < server.ttl(key) <= 61


def test_throttle_counter_starts_again_at_the_next_window(
    client, db, clock, two_a_minute
):
    clock.move_to(seconds_into_the_window(30), tick=False)
    first = [client.get(TOPICS).status_code for _ in range(3)]
    clock.shift(29)
    last_second = client.get(TOPICS).status_code
    clock.shift(1)
    next_window = [client.get(TOPICS).status_code for _ in range(3)]

    assert first == [200, 200, 429]
    assert last_second == 429
    assert next_window == [200, 200, 429]


def test_throttle_retry_after_is_the_time_left_in_the_window(
    client, db, clock, two_a_minute
):
    clock.move_to(seconds_into_the_window(15.5), tick=False)
    client.get(TOPICS)
    hit = client.get(TOPICS)

    response = client.get(TOPICS)

    assert hit["X-Cache"] == "hit"  # Refused by the response cache's throttle.
    assert response.status_code == 429
    assert response["Retry-After"] == "45"


def test_throttle_retry_after_for_a_partner_is_the_time_left_in_the_window(
    client, partner, clock, two_a_minute
):
    assert partner.rate_tier == RateTier.STANDARD
    key = partner.issue_key()[1]
    clock.move_to(seconds_into_the_window(59.9), tick=False)
    client.get(TOPICS, HTTP_X_API_KEY=key)
    client.get(TOPICS, HTTP_X_API_KEY=key)

    response = client.get(TOPICS, HTTP_X_API_KEY=key)

    assert response.status_code == 429
    assert response["Retry-After"] == "1"


@pytest.fixture
def one_redis(settings, monkeypatch):
    """The response cache and the rate-limit counters in one Redis, as in
    production (settings.py gives both aliases one configuration)."""
    server = redis.Redis.from_url(THROTTLE_REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {THROTTLE_REDIS_URL}")
    prefix = f"test-one-redis-{uuid.uuid4().hex}"
    shared = {
        "BACKEND": "rehabinfo.cache.BreakerRedisCache",
        "LOCATION": THROTTLE_REDIS_URL,
        "KEY_PREFIX": prefix,
    }
    settings.CACHES = {**settings.CACHES, "default": shared, "throttle": shared}
    monkeypatch.setattr(api.throttling, "throttle_counts", ThrottleCounts())
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    yield server, f"{prefix}:1:throttle:anon:127.0.0.1:{WINDOW}"
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


@pytest.mark.parametrize("url", [TOPICS, "/api/v1/topics/heroin-rehab/"])
def test_a_cache_hit_and_its_rate_limit_count_are_one_redis_round_trip(
    client, seed_content, clock, one_redis, redis_round_trips, url
):
    server, counter = one_redis
    client.get(url)
    redis_round_trips.clear()

    response = client.get(url)

    assert response["X-Cache"] == "hit"
    assert len(redis_round_trips) == 1
    assert server.get(counter) == b"2"


@pytest.mark.parametrize(
    "url",
    [
        TOPICS,  # the view's own throttle
        "/api/v1/topics/heroin-rehab/",  # a stored document, before DRF
        "/api/v1/search/?q=detox",  # a search, cached by content version
    ],
)
def test_a_cache_miss_is_counted_once(client, seed_content, clock, one_redis, url):
    server, counter = one_redis

    response = client.get(url)

    assert response["X-Cache"] == "miss"
    assert server.get(counter) == b"1"


def test_a_cache_hit_over_the_limit_is_refused_like_a_miss(
    client, seed_content, clock, one_redis
):
    statuses = [client.get(TOPICS).status_code for _ in range(4)]
    refused = client.get(TOPICS)

    assert statuses == [200, 200, 200, 429]
    assert refused["Retry-After"] == "60"
    assert refused["Content-Type"] == "application/problem+json"
