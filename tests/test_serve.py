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
import threading
import time
from pathlib import Path

import pytest

from tests.processes import ROOT, environment, run_manage

GUNICORN = Path(sys.executable).parent / "gunicorn"
ASSESSMENT = "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/assessment/"
ANSWERS = json.dumps({"answers": {"safe-home": "no"}}).encode()
LIMIT = 1024 * 1024  # REQUEST_MAX_BODY_BYTES's default
PARTNER_KEY = "Ab12Cd34." + "k7Q2xZ9pL4mN8vB3cR6tY1wE5uI0oP2a"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    """Where the gunicorn of ``served`` writes its stderr: its log and Django's."""
    return tmp_path_factory.mktemp("serve-log") / "stderr.log"


@pytest.fixture(scope="module")
def served(tmp_path_factory, server_log):
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
    log = server_log.open("wb")
    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "rehabinfo.wsgi"],
        cwd=ROOT,
        env=environment(**env),
        stdout=subprocess.DEVNULL,
        stderr=log,
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
        log.close()


def request(method, path, *, port, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def send_in_background(sock: socket.socket, data: bytes) -> threading.Thread:
    """Send while the caller reads: the server may answer before the body ends."""

    def send():
        try:
            sock.sendall(data)
        except OSError:
            pass  # The server answered and closed without reading it all.

    sender = threading.Thread(target=send)
    sender.start()
    return sender


def read_response(sock: socket.socket):
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, dict(response.getheaders()), response.read()


def head(method: str, path: str, *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


def assessment_post(framing: str, body: bytes) -> bytes:
    """A raw POST of ``body`` to the assessment, framed by one header."""
    return head("POST", ASSESSMENT, "Content-Type: application/json", framing) + body


def chunked(*chunks: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def log_after(server_log: Path, marker: str) -> str:
    """The server's log once it holds ``marker`` (or after 10 seconds)."""
    deadline = time.monotonic() + 10
    while True:
        text = server_log.read_text(errors="replace")
        if marker in text or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


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


def test_serve_reads_a_chunked_body(served):
    with connect(served) as sock:
        sock.sendall(
            assessment_post(
                "Transfer-Encoding: chunked", chunked(ANSWERS[:10], ANSWERS[10:])
            )
        )
        status, _, body = read_response(sock)

    assert status == 200
    assert json.loads(body)["ranking"] == ["inpatient", "outpatient"]


def test_serve_refuses_an_oversized_chunked_body_with_413(served):
    with connect(served) as sock:
        oversized = chunked(*[b" " * 65536] * (LIMIT // 65536 + 2))
        sender = send_in_background(
            sock, assessment_post("Transfer-Encoding: chunked", oversized)
        )
        status, headers, body = read_response(sock)
        sender.join()

    assert status == 413
    assert headers["Content-Type"] == "application/problem+json"
    assert f"{LIMIT} bytes" in json.loads(body)["detail"]


@pytest.mark.parametrize("attempt", range(5))
def test_serve_closes_the_connection_after_a_body_refused_unread(served, attempt):
    body = b"{" + b" " * (2 * LIMIT) + b"}"
    with connect(served) as sock:
        sender = send_in_background(
            sock, assessment_post(f"Content-Length: {len(body)}", body)
        )
        status, headers, _ = read_response(sock)
        sender.join()

        assert status == 413
        assert headers["Connection"] == "close"
        assert closed_by_server(sock)


def test_serve_keeps_the_connection_after_a_small_body_refused_unread(served):
    with connect(served) as sock:
        sock.sendall(
            head("POST", "/api/v1/topics/", "Content-Length: 1000") + b"x" * 1000
        )
        refused = read_response(sock)
        sock.sendall(head("GET", "/healthz"))
        following = read_response(sock)

    assert (refused[0], refused[1]["Connection"]) == (405, "keep-alive")
    assert following[0] == 200


@pytest.mark.parametrize(
    ("request_head", "status"),
    [
        (b"GET /api/v1/topics/ HTTP/1.1 junk\r\nHost: 127.0.0.1\r\n\r\n", 400),
        (head("GET", "/api/v1/topics/?q=" + "a" * 5_000), 414),
        (head("GET", "/api/v1/topics/", "X-Padding: " + "a" * 10_000), 431),
    ],
)
def test_serve_answers_its_own_errors_as_problem_json(served, request_head, status):
    with connect(served) as sock:
        sock.sendall(request_head)
        answered, headers, body = read_response(sock)

    assert answered == status
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["Cache-Control"] == "no-store"
    assert json.loads(body)["status"] == status


def test_serve_logs_no_partner_key_from_a_malformed_request_line(served, server_log):
    line = f"GET /embed/v1/topics/heroin-rehab/faqs/?key={PARTNER_KEY}\x7f HTTP/1.1"
    with connect(served) as sock:
        sock.sendall(f"{line}\r\nHost: 127.0.0.1\r\n\r\n".encode("latin-1"))
        status, _, body = read_response(sock)

    log = log_after(server_log, "/embed/v1/topics/heroin-rehab/faqs/?key=")
    assert status == 400
    assert "faqs/?key=[redacted]" in log  # The line is logged, without the key.
    assert PARTNER_KEY.split(".")[1] not in log
    assert PARTNER_KEY.split(".")[1] not in body.decode()


def test_serve_logs_no_partner_key_from_django(served, server_log):
    with connect(served) as sock:
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {PARTNER_KEY}\r\n\r\n".encode())
        status, _, _ = read_response(sock)

    log = log_after(server_log, "Invalid HTTP_HOST header")
    assert status == 400
    assert "Invalid HTTP_HOST header: '[redacted]'" in log
    assert PARTNER_KEY.split(".")[1] not in log
