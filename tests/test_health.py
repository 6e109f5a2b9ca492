"""Health endpoints: liveness touches nothing, readiness names what is down."""

from django.core.cache import cache
from django.db import OperationalError

from publishing.tasks import render_items_showing


def test_healthz_answers_without_touching_the_database(client):
    # No db fixture: pytest-django turns any database access into an error.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_database_and_cache_up(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "up", "cache": "up"}


def test_readyz_names_the_database_when_it_is_down(client, db, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as database_down:
        database_down.setattr(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor", down
        )
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["checks"] == {"database": "down", "cache": "up"}
    assert "database" in response.json()["detail"]


def test_readyz_names_the_cache_when_it_is_down(client, db, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "up", "cache": "down"}


def test_health_endpoints_are_not_throttled(client, db, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/minute"})

    statuses = {client.get("/readyz").status_code for _ in range(5)}

    assert statuses == {200}


def test_readyz_logs_one_warning_per_outage_interval(client, db, monkeypatch, caplog):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)

    statuses = [client.get("/readyz").status_code for _ in range(20)]

    assert statuses == [503] * 20
    not_ready = [r for r in caplog.records if r.getMessage().startswith("Not ready")]
    assert len(not_ready) == 1
    assert not_ready[0].levelname == "WARNING"
    assert "cache down" in not_ready[0].getMessage()


def test_readyz_reports_how_long_the_oldest_task_has_waited(
    client, db, settings, clock
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    render_items_showing.enqueue(rows=[["topic", 1]], rendered=[])
    clock.shift(30)
    render_items_showing.enqueue(rows=[["topic", 2]], rendered=[])

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["tasks"] == {"oldest_waiting_seconds": 30.0}


def test_readyz_reports_no_wait_when_the_queue_is_empty(client, db):
    response = client.get("/readyz")

    assert response.json()["tasks"] == {"oldest_waiting_seconds": None}
