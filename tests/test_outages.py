"""Backing services down: the API degrades to clear answers, never 5xx-by-accident.

Each outage is simulated by pointing a fresh process's settings at a closed
port; the machine's shared PostgreSQL and Redis are never stopped.
"""

import json

import pytest

import api.throttling
from api.throttling import PartnerRateThrottle, ThrottleCounts
from tests.processes import CLOSED_PORT, run_manage

REQUEST_SCRIPT = """
import json, time
from django.test import Client
client = Client()
results = []
for path in {paths!r}:
    started = time.monotonic()
    response = client.get(path)
    results.append({{
        "path": path,
        "status": response.status_code,
        "type": response.get("Content-Type"),
        "retry_after": response.get("Retry-After"),
        "seconds": round(time.monotonic() - started, 2),
    }})
print(json.dumps(results))
"""


def run_requests(paths, env):
    result = run_manage(
        "shell", "--no-imports", "-c", REQUEST_SCRIPT.format(paths=paths), env=env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_unreachable_database_is_a_fast_503_problem():
    results, _ = run_requests(
        ["/api/v1/topics/", "/api/v1/topics/heroin-rehab/", "/api/v1/search/?q=detox"],
        {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/rehabinfo"},
    )

    for result in results:
        assert result["status"] == 503, result
        assert result["type"] == "application/problem+json"
        assert result["retry_after"]
        assert result["seconds"] < 2.5, result


def test_unreachable_redis_still_answers_from_the_database(tmp_path):
    database = f"sqlite:///{tmp_path / 'outage.sqlite3'}"
    migrated = run_manage("migrate", "-v0", env={"DATABASE_URL": database})
    assert migrated.returncode == 0, migrated.stderr
    results, stderr = run_requests(
        ["/api/v1/", "/api/v1/topics/", "/api/v1/faqs/", "/readyz"],
        {"DATABASE_URL": database, "REDIS_URL": f"redis://127.0.0.1:{CLOSED_PORT}/0"},
    )

    statuses = {result["path"]: result["status"] for result in results}
    assert statuses == {
        "/api/v1/": 200,
        "/api/v1/topics/": 200,
        "/api/v1/faqs/": 200,
        "/readyz": 503,
    }
    # Each skipped cache call is logged by django-redis, so the outage shows.
    assert "django_redis" in stderr
    assert "rate limits count per process" in stderr


@pytest.fixture
def redis_down_for_throttling(settings, monkeypatch):
    """Throttle counters pointed at a closed port; a fresh per-process fallback."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }
    monkeypatch.setattr(api.throttling, "throttle_counts", ThrottleCounts())
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    return api.throttling.throttle_counts


def test_unreachable_redis_throttles_per_process_with_one_warning(
    client, db, redis_down_for_throttling, caplog
):
    statuses = [client.get("/api/v1/topics/").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]
    warnings = [r for r in caplog.records if r.name == "api.throttling"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "count per process" in warnings[0].getMessage()


def test_throttle_tries_the_shared_cache_again_after_the_interval(
    client, db, redis_down_for_throttling, caplog
):
    client.get("/api/v1/topics/")
    assert redis_down_for_throttling.current() is redis_down_for_throttling.local

    redis_down_for_throttling.shared_down_until = 0.0
    client.get("/api/v1/topics/")

    warnings = [r for r in caplog.records if r.name == "api.throttling"]
    assert len(warnings) == 2
