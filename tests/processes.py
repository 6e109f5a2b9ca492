"""Run manage.py in a fresh process, configured only by the environment given.

For tests of settings and outages that a running test process cannot fake:
each gets its own settings module import, with none of the caller's
configuration leaking in.
"""

import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Outages are simulated by pointing settings here: nothing listens on the
# discard port on these machines, so connections are refused at once.
CLOSED_PORT = 9
CONFIGURATION_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_")


def environment(**overrides: str) -> dict[str, str]:
    """This process's environment without its Rehabinfo configuration."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(CONFIGURATION_PREFIXES)
    }
    return {**inherited, **overrides}


def run_manage(*args: str, env: dict[str, str], timeout: int = 120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class HungServer:
    """A local port that accepts connections and never answers: a hung service."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self.accept, daemon=True)

    def accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # the listener was shut down
                return
            self.connections.append(connection)

    @property
    def accepted(self) -> int:
        """Connections accepted so far: one per connect attempt."""
        return len(self.connections)


@contextmanager
def hung_server():
    server = HungServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.listener.shutdown(socket.SHUT_RDWR)
        server.listener.close()
        server.thread.join(timeout=5)
        for connection in server.connections:
            connection.close()
