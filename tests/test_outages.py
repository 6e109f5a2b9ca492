"""Backing services down: the API degrades to clear answers, never 5xx-by-accident.

Each outage is simulated by pointing a fresh process's settings at a closed
port; the machine's shared PostgreSQL and Redis are never stopped.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOSED_PORT = 9  # discard: nothing listens there on these machines

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
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         REQUEST_SCRIPT.format(paths=paths)],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
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
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database},
        check=True,
        timeout=120,
    )
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
