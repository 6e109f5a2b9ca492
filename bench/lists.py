"""Cold list pages in process, one request after another, response cache off.

Measures plain list pages (``GET /api/v1/topics/`` and deep pages) against
the database ``DATABASE_URL`` names (a corpus made by ``manage.py
generate_corpus``), through the whole middleware stack with Django's test
client, and prints the median and p95 time and the SQL queries of each:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/corpus \\
        .venv/bin/python -m bench.lists --requests 200 \\
        /api/v1/topics/ '/api/v1/topics/?limit=100&offset=5000'
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = ["/api/v1/topics/", "/api/v1/topics/?limit=100&offset=5000"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabinfo.settings")
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    logging.disable(logging.INFO)  # the access log of every request
    from django.db import connection
    from django.test import Client, override_settings

    client = Client()
    with override_settings(RESPONSE_CACHE_ENABLED=False):
        for path in args.paths:
            first = client.get(path)  # connections, imports: not counted
            if first.status_code != 200:
                sys.stderr.write(f"{path} answered {first.status_code}\n")
                return 1
            queries = []

            def count(execute, sql, *rest, queries=queries):
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                client.get(path)
            milliseconds = []
            for _ in range(args.requests):
                started = time.perf_counter()
                client.get(path)
                milliseconds.append((time.perf_counter() - started) * 1000)
            milliseconds.sort()
            p95 = milliseconds[max(0, round(0.95 * len(milliseconds)) - 1)]
            sys.stdout.write(
                f"{path}: {len(first.json()['results'])} of "
                f"{first.json()['count']}, {len(queries)} queries, "
                f"{args.requests} requests: median "
                f"{statistics.median(milliseconds):.2f} ms, p95 {p95:.2f} ms\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
