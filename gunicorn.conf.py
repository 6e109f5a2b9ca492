"""gunicorn settings for the production profile (`make serve`), from the environment.

Workers are separate processes sharing nothing but PostgreSQL and Redis, so
any number of them, on any number of hosts, serve the same answers.
"""

import multiprocessing
import os

bind = os.environ.get(
    "GUNICORN_BIND",
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}",
)
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gthread, answering gunicorn's own errors as problem details and never
# promising keep-alive on a connection it will close (rehabinfo/serving.py).
worker_class = "rehabinfo.serving.ProblemWorker"
# Partner keys are redacted from gunicorn's log lines.
logger_class = "rehabinfo.serving.RedactingLogger"

# A worker silent this long is killed and replaced: requests are bounded.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, so a slow leak never becomes an outage. The
# app is loaded once in the master (it opens no connection at import), so a
# recycled worker is a cheap fork, not a fresh Django start-up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
preload_app = True

# Oversized request lines and headers are refused (414, 431) before Django
# runs; oversized bodies get a 413 from
# rehabinfo.middleware.RequestSizeLimitMiddleware.
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "4094"))
limit_request_fields = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELDS", "100"))
limit_request_field_size = int(
    os.environ.get("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", "8190")
)

# The app writes its own JSON access line per request (rehabinfo.middleware).
accesslog = None
errorlog = "-"
# Trust X-Forwarded-* only from the load balancer's addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Several instances may run on one host (e.g. `make bench`); none needs the
# runtime control socket, which would be shared under $HOME.
control_socket_disable = True


def when_ready(server):
    # textstat loads its pronouncing dictionary (about 4 s) on first use: load
    # it once in the master, so the forked workers share it and no editor's
    # first save waits for it.
    from content.language import reading_grade

    reading_grade("The reading grade of this sentence warms the dictionary up.")
