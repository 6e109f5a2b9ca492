"""CPU time of one request in process: the WSGI application called as a
server calls it, without the server, the network or the access log.

Prints CPU microseconds per request for a GET of ``path`` and its 304 (the
first request's ETag), after a warm-up; run it twice, with the response
cache on (hits) and off (``RESPONSE_CACHE_ENABLED=0``: cold reads of stored
documents), against the database ``DATABASE_URL`` names and the Redis
``REDIS_URL`` names:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/corpus \\
    REDIS_URL=redis://127.0.0.1:6379/10 API_ANON_RATE=100000000/minute \\
        .venv/bin/python -m bench.cpu /api/v1/topics/heroin-rehab/

Comparing two commits: run it from each one's checkout, in turns.
"""

import argparse
import io
import logging
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "rehabinfo.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
}


def environ(path: str, **headers) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **headers,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    for name, value in PRODUCTION.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-cpu-not-secret-" * 3)
    sys.path.insert(0, str(BASE_DIR))

    from rehabinfo.wsgi import application

    logging.disable(logging.INFO)  # the access log's line: not the request's CPU
    answered = {}

    def start_response(status, headers):
        answered.update(status=status, headers=dict(headers))

    def request(**headers):
        body = application(environ(args.path, **headers), start_response)
        b"".join(body)
        body.close()

    request()
    if not answered["status"].startswith("200"):
        sys.stderr.write(f"{args.path} answered {answered['status']}\n")
        return 1
    etag = answered["headers"].get("ETag")
    for label, headers in (("GET", {}), ("304", {"HTTP_IF_NONE_MATCH": etag})):
        for _ in range(100):
            request(**headers)
        started = time.process_time()
        for _ in range(args.requests):
            request(**headers)
        per_request = (time.process_time() - started) / args.requests * 1e6
        sys.stdout.write(f"{label}: {per_request:.0f} µs CPU ({answered['status']})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
