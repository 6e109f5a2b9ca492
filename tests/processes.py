"""Run manage.py in a fresh process, configured only by the environment given.

For tests of settings and outages that a running test process cannot fake:
each gets its own settings module import, with none of the caller's
configuration leaking in.
"""

import os
import subprocess
import sys
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
