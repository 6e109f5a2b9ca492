"""The settings module: embedded defaults and a safe production profile."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2Lz9Vw" * 4,
    "DJANGO_ALLOWED_HOSTS": "api.rehabinfo.example",
    "DATABASE_URL": "sqlite:////tmp/rehabinfo-deploy-check.sqlite3",
}


def run_manage(*args, env):
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


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


def test_redis_url_selects_django_redis_that_tolerates_outages():
    code = (
        "from django.conf import settings as s; c = s.CACHES['default']; "
        "print(c['BACKEND'], c['OPTIONS']['IGNORE_EXCEPTIONS'])"
    )

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"REDIS_URL": "redis://127.0.0.1:6379/1"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django_redis.cache.RedisCache", "True"]


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
