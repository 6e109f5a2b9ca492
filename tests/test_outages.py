"""Backing services down: the API degrades to clear answers, never 5xx-by-accident.

Each outage is simulated by pointing a fresh process's settings at a closed
port, or at a hung one (a local socket that accepts and never answers); the
machine's shared PostgreSQL and Redis are never stopped.
"""

import datetime
import json
import statistics
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import OperationalError

import api.throttling
from api.throttling import PartnerRateThrottle, ThrottleCounts
from content.models import PublicationStatus, Topic
from content.models.changes import VERSION_CACHE_KEY
from rehabinfo.cache import BreakerRedisCache, shared_cache
from tests.conftest import FROZEN_NOW
from tests.processes import CLOSED_PORT, hung_server, run_manage

TOPIC = "/api/v1/topics/heroin-rehab/"
WIDGET = "/embed/v1/topics/heroin-rehab/faqs/"
SEARCH = "/api/v1/search/?q=rehab"
REQUEST_SCRIPT = """
import json, time
from django.test import Client
client = Client(raise_request_exception=False)
results = []
for path in {paths!r}:
    started = time.monotonic()
    response = client.get(path)
    results.append({{
        "path": path,
        "status": response.status_code,
        "type": response.get("Content-Type"),
        "retry_after": response.get("Retry-After"),
        "seconds": round(time.monotonic() - started, 3),
    }})
print(json.dumps(results))
"""


def run_requests(paths, env):
    result = run_manage(
        "shell", "--no-imports", "-c", REQUEST_SCRIPT.format(paths=paths), env=env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def log_lines(stderr: str, level: str) -> list[str]:
    """Lines of the text log format (``time LEVEL logger message``) at a level."""
    return [line for line in stderr.splitlines() if line.split(" ")[2:3] == [level]]


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory):
    """A migrated SQLite database with the seed content, for fresh processes."""
    path = tmp_path_factory.mktemp("outage") / "outage.sqlite3"
    database = f"sqlite:///{path}"
    for command in (["migrate", "-v0"], ["loaddata", "seed", "-v0"]):
        result = run_manage(*command, env={"DATABASE_URL": database})
        assert result.returncode == 0, result.stderr
    return database


def test_unreachable_database_is_a_fast_503_problem():
    results, _ = run_requests(
        ["/api/v1/topics/", TOPIC, "/api/v1/search/?q=detox"],
        {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/rehabinfo"},
    )

    for result in results:
        assert result["status"] == 503, result
        assert result["type"] == "application/problem+json"
        assert result["retry_after"]
        assert result["seconds"] < 2.5, result


def test_unreachable_database_widget_is_a_503_page():
    [result], _ = run_requests(
        [WIDGET],
        {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/rehabinfo"},
    )

    assert result["status"] == 503, result
    assert result["type"].startswith("text/html")
    assert result["retry_after"]


def test_hung_database_is_one_connect_attempt_per_request():
    # Four 2 s attempts: well inside one 10 s interval of the outage log.
    paths = ["/api/v1/topics/", TOPIC, WIDGET, "/api/v1/faqs/"]
    with hung_server() as database:
        results, stderr = run_requests(
            paths,
            {
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database.port}/x",
                # libpq's minimum: each attempt waits 2 s.
                "DATABASE_CONNECT_TIMEOUT": "2",
            },
        )
        attempts = database.accepted

    assert [result["status"] for result in results] == [503] * len(paths)
    assert attempts == len(paths)
    assert max(result["seconds"] for result in results) < 2.5, results
    # One line for the outage, not one or two per request.
    assert len(log_lines(stderr, "ERROR")) == 1, stderr


def test_hung_redis_costs_one_short_wait_per_interval(seeded_database):
    paths = [TOPIC, "/api/v1/topics/", "/api/v1/faqs/", WIDGET, "/api/v1/"] * 8
    with hung_server() as redis:
        results, stderr = run_requests(
            # /healthz touches no cache: it takes the process's warm-up.
            ["/healthz", *paths, "/readyz"],
            {
                "DATABASE_URL": seeded_database,
                "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
                # Longer than the whole run: exactly one interval.
                "REDIS_RETRY_AFTER": "600",
            },
        )

    _, *served, ready = results
    assert {result["status"] for result in served} == {200}
    assert ready["status"] == 503
    seconds = [result["seconds"] for result in served]
    assert statistics.median(seconds) < 0.5, seconds
    assert max(seconds) < 2, seconds
    [warning] = [
        line for line in log_lines(stderr, "WARNING") if "rehabinfo.cache" in line
    ]
    assert "rate limits count per process" in warning
    assert log_lines(stderr, "ERROR") == []


def test_unreachable_redis_still_answers_from_the_database(seeded_database):
    results, stderr = run_requests(
        ["/api/v1/", "/api/v1/topics/", "/api/v1/faqs/", "/readyz"],
        {
            "DATABASE_URL": seeded_database,
            "REDIS_URL": f"redis://127.0.0.1:{CLOSED_PORT}/0",
        },
    )

    statuses = {result["path"]: result["status"] for result in results}
    assert statuses == {
        "/api/v1/": 200,
        "/api/v1/topics/": 200,
        "/api/v1/faqs/": 200,
        "/readyz": 503,
    }
    # The outage shows as one warning, not as a traceback per cache call.
    assert "rate limits count per process" in stderr
    assert log_lines(stderr, "ERROR") == []
    assert "Traceback" not in stderr


def test_breaker_leaves_a_hung_redis_alone_for_the_interval(caplog):
    with hung_server() as redis:
        hung = BreakerRedisCache(
            f"redis://127.0.0.1:{redis.port}/0",
            {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1}},
        )
        answers = [hung.get("key", "missed") for _ in range(20)]
        hung.set("key", "value")
        attempts = redis.accepted

    assert answers == ["missed"] * 20
    assert attempts == 1
    warnings = [r for r in caplog.records if r.name == "rehabinfo.cache"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert warnings[0].exc_info is None


def test_breaker_tries_redis_again_after_the_interval(caplog):
    with hung_server() as redis:
        hung = BreakerRedisCache(
            f"redis://127.0.0.1:{redis.port}/0",
            {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1}},
        )
        hung.get("key")
        shared_cache.down_until = 0.0  # the interval has passed
        hung.get("key")
        attempts = redis.accepted

    warnings = [r for r in caplog.records if r.name == "rehabinfo.cache"]
    assert len(warnings) == 2
    assert attempts == 2


@pytest.fixture
def redis_down_for_throttling(settings, monkeypatch):
    """Throttle counters pointed at a closed port; a fresh per-process fallback."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "rehabinfo.cache.BreakerRedisCache",
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
    warnings = [r for r in caplog.records if r.name == "rehabinfo.cache"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "count per process" in warnings[0].getMessage()


def test_throttle_tries_the_shared_cache_again_after_the_interval(
    client, db, redis_down_for_throttling, caplog
):
    client.get("/api/v1/topics/")
    assert shared_cache.is_open()

    shared_cache.down_until = 0.0  # the interval has passed
    client.get("/api/v1/topics/")

    warnings = [r for r in caplog.records if r.name == "rehabinfo.cache"]
    assert len(warnings) == 2


@contextmanager
def database_down():
    """Every attempt to reach the database fails; yields the list of attempts."""
    attempts = []

    def down(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("could not connect")

    # Undone before the test database is torn down.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", down)
        yield attempts


def test_cached_responses_are_served_when_the_version_is_lost_too(client, seed_content):
    cached = client.get(SEARCH)
    cache.delete(VERSION_CACHE_KEY)

    with database_down() as attempts:
        hit = client.get(SEARCH)
        missed = client.get("/api/v1/search/?q=detox")

    assert hit.status_code == 200
    assert hit.content == cached.content
    assert missed.status_code == 503
    assert missed["Retry-After"]
    # One attempt for each request: the view never tries again.
    assert len(attempts) == 2


def test_cached_document_responses_need_neither_the_database_nor_the_version(
    client, seed_content
):
    cached = client.get(TOPIC)
    cache.delete(VERSION_CACHE_KEY)

    with database_down() as attempts:
        hit = client.get(TOPIC)
        assert attempts == []
        missed = client.get("/api/v1/topics/medical-detox/")

    assert hit.status_code == 200
    assert hit.content == cached.content
    assert missed.status_code == 503
    assert len(attempts) == 1


@pytest.mark.parametrize("url", [TOPIC, SEARCH])
def test_outage_never_serves_a_response_older_than_the_latest_edit(
    client, seed_content, url
):
    client.get(url)
    topic = Topic.objects.get(slug="heroin-rehab")
    topic.status = PublicationStatus.DRAFT
    topic.save()
    client.get("/api/v1/topics/")  # the process sees the version after the edit
    cache.delete(VERSION_CACHE_KEY)

    with database_down():
        response = client.get(url)

    assert response.status_code == 503


@pytest.mark.parametrize("url", [TOPIC, SEARCH])
def test_outage_never_serves_a_response_past_a_schedule_boundary(
    clock, client, seed_content, url
):
    topic = Topic.objects.get(slug="heroin-rehab")
    topic.unpublish_at = FROZEN_NOW + datetime.timedelta(hours=1)
    topic.save()
    client.get(url)
    cache.delete(VERSION_CACHE_KEY)
    clock.shift(datetime.timedelta(hours=2))

    with database_down():
        response = client.get(url)

    assert response.status_code == 503


def test_unreachable_database_widget_answers_503_in_its_own_format(
    client, seed_content
):
    with database_down():
        response = client.get(WIDGET)

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"]
    assert "The content database is unavailable" in response.content.decode()
    assert "frame-ancestors *" in response["Content-Security-Policy"]


def test_database_outage_logs_one_line_per_interval(client, seed_content, caplog):
    with database_down():
        statuses = {client.get(path).status_code for path in [TOPIC, WIDGET] * 3}

    assert statuses == {503}
    errors = [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert [r.name for r in errors] == ["api.problems"]
    assert errors[0].exc_info is None


def test_bad_host_header_is_a_warning_without_traceback(client, db, caplog):
    response = client.get("/api/v1/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name.startswith("django.security")]
    assert record.levelname == "WARNING"
    assert record.exc_info is None
