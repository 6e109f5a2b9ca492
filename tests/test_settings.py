"""The settings module: embedded defaults and a safe production profile."""

import uuid

import pytest

from tests.processes import run_manage

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2Lz9Vw" * 4,
    "DJANGO_ALLOWED_HOSTS": "api.rehabinfo.example",
    "DATABASE_URL": "sqlite:////tmp/rehabinfo-deploy-check.sqlite3",
}


def test_debug_off_refuses_the_development_secret_key():
    env = {**PRODUCTION_ENV}
    del env["DJANGO_SECRET_KEY"]

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_check_is_clean_under_production_environment():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_is_debug_sqlite_and_local_memory_cache():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND'])"
    )

    result = run_manage("shell", "--no-imports", "-c", code, env={})

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_redis_url_selects_the_breaker_cache_with_short_timeouts():
    code = (
        "from django.conf import settings as s; "
        "print(*[(c['BACKEND'], c['OPTIONS']) for c in s.CACHES.values()], sep='|')"
    )

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "REDIS_SOCKET_TIMEOUT": "0.5",
        },
    )

    assert result.returncode == 0, result.stderr
    options = {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5}
    # Every alias goes through the breaker; none waits out django-redis's
    # IGNORE_EXCEPTIONS on each call.
    assert (
        result.stdout.strip().split("|")
        == [str(("rehabinfo.cache.BreakerRedisCache", options))] * 2
    )


def test_local_editor_account_is_refused_in_production():
    result = run_manage("ensure_local_editor", env=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "Refusing" in result.stderr


def test_api_speaks_json_only_without_debug():
    code = (
        "from django.conf import settings as s; "
        "print(*s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])"
    )

    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["rest_framework.renderers.JSONRenderer"]


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret-key"
    key_file.write_text("a-secret-key-from-a-mounted-file-" + "p4Rt7Yq1Ze" * 4 + "\n")
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY_FILE": str(key_file)}
    del env["DJANGO_SECRET_KEY"]
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"

    result = run_manage("shell", "--no-imports", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key_file.read_text().strip()


def test_ensure_database_creates_a_missing_postgresql_database_once():
    psycopg = pytest.importorskip("psycopg")
    name = f"rehabinfo_ensure_{uuid.uuid4().hex[:8]}"
    server = "postgres://postgres@127.0.0.1:5432"
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    env = {"DATABASE_URL": f"{server}/{name}"}
    try:
        first = run_manage("ensure_database", env=env)
        second = run_manage("ensure_database", env=env)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

    assert first.returncode == 0, first.stderr
    assert f"Created database '{name}'" in first.stdout
    assert second.returncode == 0, second.stderr
    assert f"Database '{name}' exists" in second.stdout
