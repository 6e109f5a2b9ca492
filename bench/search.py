"""Search latency in process, one request after another, response cache off.

Measures ``GET /api/v1/search/`` against the database ``DATABASE_URL`` names
(a corpus made by ``manage.py generate_corpus``), through the whole
middleware stack with Django's test client, and prints p50 and p95:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/corpus \\
        .venv/bin/python -m bench.search --query detox --requests 50
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="detox")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabinfo.settings")
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    logging.disable(logging.INFO)  # the access log of every request
    from django.db import connection
    from django.test import Client, override_settings

    client = Client()
    path = f"/api/v1/search/?q={args.query}"
    with override_settings(RESPONSE_CACHE_ENABLED=False):
        first = client.get(path)  # connections, imports: not counted
        if first.status_code != 200:
            sys.stderr.write(f"{path} answered {first.status_code}\n")
            return 1
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
        ):
            client.get(path)
        milliseconds = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path)
            milliseconds.append((time.perf_counter() - started) * 1000)
    milliseconds.sort()
    p95 = milliseconds[max(0, round(0.95 * len(milliseconds)) - 1)]
    sys.stdout.write(
        f"{path}: {first.json()['count']} hits, {len(queries)} queries, "
        f"{args.requests} requests: p50 {statistics.median(milliseconds):.1f} ms, "
        f"p95 {p95:.1f} ms\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
