"""Run the compiled TypeScript client (dist/main.js) against a live API server.

The server is the production profile's gunicorn (DEBUG off) on a free port,
over a fresh SQLite database, migrated and seeded in a temporary folder. The
exit status is the client's: non-zero when any answer breaks the contract.
Run from anywhere with the project's Python: `.venv/bin/python <this file>`.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLIENT = Path(__file__).resolve().parent
ROOT = CLIENT.parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(folder: Path, port: int) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_"))
    }
    return {
        **inherited,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",  # Failures only, not every request.
        "DATABASE_URL": f"sqlite:///{folder / 'client.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
    }


def is_ready(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = server_environment(Path(folder), port)
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--no-input", "-v0"], ["seed"]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
        server = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "rehabinfo.wsgi"],
            cwd=ROOT,
            env=env,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not is_ready(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.stderr.write("The API server did not start.\n")
                    return 1
                time.sleep(0.2)
            client = ["node", str(CLIENT / "dist/main.js"), f"http://127.0.0.1:{port}"]
            return subprocess.run(client, cwd=CLIENT).returncode
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
