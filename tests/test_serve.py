"""The production profile as `make serve` runs it: gunicorn, DEBUG off, whitenoise.

One gunicorn is started for the module on a free port, against a migrated
and seeded SQLite file, with static files collected the way `make serve`
collects them.
"""

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import ROOT, environment, run_manage

GUNICORN = Path(sys.executable).parent / "gunicorn"
ASSESSMENT = "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/assessment/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Address of a running production-profile gunicorn."""
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "serve-test-secret-" + "k3Jq8Zr2Xw" * 5,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": f"sqlite:///{folder / 'serve.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
    }
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["seed"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        result = run_manage(*command, env=env, timeout=180)
        assert result.returncode == 0, result.stderr
    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "rehabinfo.wsgi"],
        cwd=ROOT,
        env=environment(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if request("GET", "/healthz", port=port)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def request(method, path, *, port, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_serve_answers_the_api_from_gunicorn(served):
    status, headers, body = request("GET", "/api/v1/topics/heroin-rehab/", port=served)

    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert json.loads(body)["slug"] == "heroin-rehab"


def test_serve_sends_no_body_for_head(served):
    status, headers, body = request("HEAD", "/api/v1/topics/", port=served)

    assert status == 200
    assert int(headers["Content-Length"]) > 0
    assert body == b""


def test_serve_static_files_have_hashed_names_and_are_immutable(served):
    status, _, page = request("GET", "/admin/login/", port=served)
    assert status == 200
    stylesheet = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "admin stylesheet is not served under a hashed name"

    status, headers, _ = request(
        "GET",
        stylesheet.group(1).decode(),
        port=served,
        headers={"Accept-Encoding": "gzip"},
    )

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_serve_refuses_an_oversized_body_with_413_unread(served):
    status, headers, body = request(
        "POST",
        ASSESSMENT,
        port=served,
        body=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )

    assert status == 413
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 413


def test_serve_refuses_an_oversized_header_with_431(served):
    status, _, _ = request(
        "GET", "/api/v1/topics/", port=served, headers={"X-Padding": "a" * 10_000}
    )

    assert status == 431  # Request Header Fields Too Large


def test_serve_refuses_an_oversized_request_line(served):
    status, _, _ = request("GET", "/api/v1/topics/?q=" + "a" * 5_000, port=served)

    assert status == 414  # URI Too Long
