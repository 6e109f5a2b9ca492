"""`make bench`: the production profile under load, every endpoint in one run.

Creates its own PostgreSQL database (dropped and recreated every run) and
uses its own Redis database (flushed), generates the corpus, starts the
product's server twice in the production profile (DEBUG off, PostgreSQL,
Redis) and the bare floor once, loads each
endpoint with wrk on loopback and prints one table with each endpoint's
requests per second as a ratio to the floor, then the targets of issue 7, met
or not.

The floor is a bare Django view (``bench.bare``: its own settings, no
middleware, a constant 12-byte JSON body) served by a third server started
exactly like the product's (same server, workers and threads). The product's
own constant view, through its whole middleware stack, is a row of its own:
the distance between the two is what the stack costs.

- ``cached`` server: the production configuration, response cache on.
- ``bare`` server: the floor, ``bench.bare.wsgi``.
- ``uncached`` server: the same with ``RESPONSE_CACHE_ENABLED=0``, for the
  "cold" rows: every request does what a cache miss does, which for a
  topic, comparison, FAQ or resource is reading its stored document
  (``publishing``; rendered once by ``render_documents`` before the rows),
  and for the rest runs the view, its SQL and its serializers (a real miss
  also looks the key up and stores the response in Redis: three round trips
  on loopback, well under a millisecond). Topic detail cold and the
  plain-DRF baseline ask for every topic of the corpus in turn, in the same
  order.

Rows compared by a target (floors, warm and 304; cold and baseline) take
turns loading the servers, A B C C B A for half the time each, so that drift
during the run weighs on them alike.

SQL queries per request are counted in this process (Django's test client
and ``CaptureQueriesContext``) against the same database and Redis, for the
same request. The run exits non-zero if any row could not be measured or
answered anything but the expected status; the targets are reported, not
asserted.

    python -m bench.run --topics 10000 --seconds 10 --connections 16
    python -m bench.run --server granian   # the same rows under granian
"""

import argparse
import json
import logging
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
LUA_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
PORTS = {"cached": 8701, "uncached": 8702, "bare": 8703}
WSGI_APPS = {
    "cached": "rehabinfo.wsgi",
    "uncached": "rehabinfo.wsgi",
    "bare": "bench.bare.wsgi",
}
SMALL_CORPUS = 200
# As `manage.py render_documents` renders by default.
RENDER_JOBS = os.cpu_count() or 1
WARM_TOPIC = "generated-topic-00005"  # a narrow topic, the size of a seed topic
COMPARISON = "generated-comparison-00002"
SEARCH_QUERY = "detox"
ASSESSMENT_ANSWERS = {
    "answers": {
        "do-you-have-a-safe-stable-place-to-live": "no",
        "is-your-addiction-severe": "yes",
        "are-you-motivated-to-recover": "unsure",
    }
}
FLOOR = "floor: bare Django view, no middleware"
STACK_FLOOR = "constant JSON view through the product's stack"
WARM_DETAIL = "topic detail, warm (cache hit)"
NOT_MODIFIED = "topic detail, 304 (If-None-Match)"
COLD_DETAIL = "topic detail, cold (cache miss)"
BASELINE = "topic detail, plain DRF baseline"
# Rows whose ratios are targets, measured in turn (see measure_together).
COMPARED_TOGETHER = [
    (FLOOR, STACK_FLOOR, WARM_DETAIL, NOT_MODIFIED),
    (COLD_DETAIL, BASELINE),
]
# Topics of different shapes: a broad one with children and a comparison,
# a narrow one, one more.
QUERY_SHAPE_TOPICS = [
    "generated-topic-00000",
    "generated-topic-00005",
    "generated-topic-00012",
]


@dataclass
class Load:
    """What wrk measured for one row."""

    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    bad_responses: int
    socket_errors: int


@dataclass
class Row:
    name: str
    server: str
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    expected_status: int = 200
    # Paths requested in turn under load instead of ``path``.
    cycle: list[str] | None = None
    # In-process measurement: response cache on, and a first request to
    # store the response before counting.
    cache_enabled: bool = True
    warm: bool = False
    # Concurrent connections, if not the run's --connections.
    connections: int | None = None
    size: int | None = None
    queries: int | None = None
    seconds_alone: float | None = None  # one request, in process, no load
    note: str = ""
    load: Load | None = None
    problem: str = ""


def progress(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def report(text: str = "") -> None:
    """The run's result, on stdout (progress goes to stderr)."""
    sys.stdout.write(f"{text}\n")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10, help="Per endpoint.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="Maintenance database used to create and drop the bench database.",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="A Redis database of the bench's own: it is flushed.",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE", "rehabinfo_bench"),
        help="The bench's own PostgreSQL database: dropped and recreated.",
    )
    parser.add_argument(
        "--server",
        choices=["gunicorn", "granian"],
        default=os.environ.get("BENCH_SERVER", "gunicorn"),
        help="gunicorn as gunicorn.conf.py configures it (GUNICORN_CMD_ARGS "
        "overrides any setting, e.g. --worker-class sync), or granian with "
        "the same number of workers and threads.",
    )
    args = parser.parse_args(argv)
    if args.topics < SMALL_CORPUS:
        parser.error(f"--topics must be at least {SMALL_CORPUS}.")
    return args


def database_url(maintenance_url: str, name: str) -> str:
    return re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", maintenance_url.rstrip("/"), count=1)


def recreate_database(maintenance_url: str, name: str) -> None:
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(maintenance_url: str, name: str) -> None:
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_environment(args) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "rehabinfo.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        # Plain HTTP on loopback: no TLS proxy in front.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(args.postgres, args.database),
        "REDIS_URL": args.redis,
        # Far above what the load reaches, so nothing is refused; every
        # request is still counted (one Redis INCR), as in production.
        "API_ANON_RATE": "1000000000/second",
        "BENCHMARK_VIEWS": "1",
        "RESPONSE_CACHE_ENABLED": "1",
    }


def server_command(server: str, app: str, port: int) -> list[str]:
    """The command serving ``app`` on ``port``, as the production profile does."""
    scripts = Path(sys.executable).parent
    if server == "granian":
        # gunicorn.conf.py's workers and threads, under granian's names.
        return [
            str(scripts / "granian"),
            *("--interface", "wsgi", "--host", HOST, "--port", str(port)),
            *("--workers", os.environ.get("GUNICORN_WORKERS", default_workers())),
            *("--blocking-threads", os.environ.get("GUNICORN_THREADS", "4")),
            "--no-access-log",
            f"{app}:application",
        ]
    return [str(scripts / "gunicorn"), "--config", "gunicorn.conf.py", app]


def default_workers() -> str:
    return str(os.cpu_count() * 2 + 1)


class Servers:
    """The product's two servers and the bare floor, stopped (process group and
    all) on exit."""

    def __init__(self, environment: dict[str, str], log_dir: Path, server: str):
        self.environment = environment
        self.log_dir = log_dir
        self.server = server
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        for name, port in PORTS.items():
            environment = {
                **os.environ,
                **self.environment,
                "GUNICORN_BIND": f"{HOST}:{port}",
                "RESPONSE_CACHE_ENABLED": "1" if name == "cached" else "0",
            }
            if name == "bare":
                environment["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
            log = open(self.log_dir / f"{self.server}-{name}.log", "wb")  # noqa: SIM115
            self.processes[name] = subprocess.Popen(
                server_command(self.server, WSGI_APPS[name], port),
                cwd=BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: workers stop with it
            )
        for name, port in PORTS.items():
            self.wait_ready(name, port)

    def wait_ready(self, name: str, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{self.server} ({name}) exited; see its log.")
            try:
                with urllib.request.urlopen(
                    f"http://{HOST}:{port}/readyz", timeout=2
                ) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.server} ({name}) was not ready within {timeout}s.")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@dataclass
class LoadPlan:
    connections: int
    seconds: int
    timeout: int
    warm_up: bool = True


def load_plan(row: Row, args) -> LoadPlan:
    """How to load a row: an endpoint too slow for the usual run (fewer than
    about twenty requests one after another) is measured one request at a
    time, for long enough to see about ten, so that no queued request
    outlives its row and slows the next one down."""
    alone = row.seconds_alone or 0
    if alone * 20 <= args.seconds:
        return LoadPlan(row.connections or args.connections, args.seconds, 10)
    seconds = max(args.seconds, min(math.ceil(alone * 10), 120))
    return LoadPlan(1, seconds, math.ceil(alone * 3) + 10, warm_up=False)


def wrk_command(
    row: Row, plan: LoadPlan, duration: int, paths_file: Path | None
) -> list[str]:
    url = f"http://{HOST}:{PORTS[row.server]}{row.path}"
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(plan.connections),
        "--duration",
        f"{duration}s",
        "--timeout",
        f"{plan.timeout}s",
        "--latency",
    ]
    for name, value in row.headers.items():
        command += ["--header", f"{name}: {value}"]
    if row.method == "POST":
        command += ["--script", str(LUA_DIR / "post.lua")]
    elif paths_file is not None:
        command += ["--script", str(LUA_DIR / "cycle.lua")]
    return [*command, url]


def parse_duration_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def parse_wrk(output: str) -> Load:
    def find(pattern: str, default=None):
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            if default is not None:
                return default
            raise ValueError(f"wrk output has no {pattern!r}:\n{output}")
        return match.group(1)

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Load(
        requests=int(find(r"^\s*(\d+) requests in")),
        requests_per_second=float(find(r"^Requests/sec:\s*([\d.]+)")),
        p50_ms=parse_duration_ms(find(r"^\s*50%\s+(\S+)")),
        p99_ms=parse_duration_ms(find(r"^\s*99%\s+(\S+)")),
        bad_responses=int(find(r"Non-2xx or 3xx responses:\s*(\d+)", "0")),
        socket_errors=sum(map(int, socket_errors.groups())) if socket_errors else 0,
    )


def run_wrk(row: Row, args, work_dir: Path, seconds: int | None = None) -> Load:
    environment = dict(os.environ)
    paths_file = None
    if row.cycle is not None:
        paths_file = work_dir / "paths.txt"
        paths_file.write_text("\n".join(row.cycle) + "\n")
        environment["BENCH_PATHS_FILE"] = str(paths_file)
    if row.method == "POST":
        environment["BENCH_BODY"] = row.body
    plan = load_plan(row, args)
    if plan.connections != args.connections:
        row.note = f"{plan.connections} connection, {plan.seconds} s"
    if plan.warm_up:
        # A short warm-up (connections, worker imports), not measured.
        subprocess.run(
            wrk_command(row, plan, 1, paths_file),
            env=environment,
            capture_output=True,
            check=True,
        )
    result = subprocess.run(
        wrk_command(row, plan, seconds or plan.seconds, paths_file),
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


def timed(request) -> float:
    started = time.perf_counter()
    request()
    return time.perf_counter() - started


def measure_in_process(row: Row) -> None:
    """Status, body size and SQL queries of one request, as the server answers."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=f"{HOST}:{PORTS[row.server]}")
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in row.headers.items()}
    path = row.path

    def request():
        if row.method == "POST":
            return client.post(
                path, row.body, content_type="application/json", **headers
            )
        return client.get(path, **headers)

    with override_settings(RESPONSE_CACHE_ENABLED=row.cache_enabled):
        # Queries are counted in the steady state: once a first read has
        # rendered what was stale (every document is rendered again on its
        # first read DOCUMENT_RECHECK_SECONDS after its last rendering) and
        # kept what a read keeps (the content version, a list's count).
        if row.warm or row.method == "GET":
            request()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = request()
        row.seconds_alone = time.perf_counter() - started
        # Counted now: the next request clears the connection's query log.
        row.queries = len(queries)
        if row.seconds_alone < 1:
            # The best of three: the first request of a process is slower.
            row.seconds_alone = min(timed(request) for _ in range(3))
    if response.status_code != row.expected_status:
        raise RuntimeError(
            f"{row.name}: {path} answered {response.status_code}, "
            f"expected {row.expected_status}."
        )
    row.size = len(response.content)


def measure_bare(row: Row) -> None:
    """Status and body size of the bare floor, over HTTP: it is another project."""
    url = f"http://{HOST}:{PORTS[row.server]}{row.path}"
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as response:
        row.size = len(response.read())
        status = response.status
    row.seconds_alone = time.perf_counter() - started
    row.queries = 0  # it has no database
    if status != row.expected_status:
        raise RuntimeError(f"{row.name}: {row.path} answered {status}.")


def cold_queries(path: str, host_port: int) -> int:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=f"{HOST}:{host_port}")
    with override_settings(RESPONSE_CACHE_ENABLED=False):
        client.get(path)  # the content version is in Redis, as under load
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def warm_up(path: str) -> None:
    """Store the response in the cache, then check the next request is a hit."""
    for attempt in range(2):
        with urllib.request.urlopen(
            f"http://{HOST}:{PORTS['cached']}{path}", timeout=10
        ) as response:
            hit = response.headers.get("X-Cache") == "hit"
        if attempt and not hit:
            raise RuntimeError(f"{path} is not served from the response cache.")


def etag_of(path: str) -> str:
    with urllib.request.urlopen(
        f"http://{HOST}:{PORTS['cached']}{path}", timeout=10
    ) as response:
        return response.headers["ETag"]


def generate_corpus(topics: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("generate_corpus", topics=topics, stdout=sys.stderr)
    # Planner statistics, as a database in service has them: right after a
    # bulk load PostgreSQL has none and picks sequential scans.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def render_documents() -> tuple[float, str]:
    """Render every document as ``manage.py render_documents`` does (one
    process per CPU): seconds, and what it reported."""
    from publishing.documents import rebuild_all

    started = time.perf_counter()
    result = rebuild_all(jobs=RENDER_JOBS)
    return time.perf_counter() - started, str(result)


def timed_get(path: str) -> float:
    """Milliseconds of one GET to the cached server, response cache on."""
    started = time.perf_counter()
    with urllib.request.urlopen(
        f"http://{HOST}:{PORTS['cached']}{path}", timeout=30
    ) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def publish_revision_of(slug: str) -> float:
    """Milliseconds to publish a reviewed revision of a topic (copy onto the
    live item, commit, render its own documents and queue the rendering of
    the items that show it: no worker runs here, so they render on read)."""
    from content.models import Topic
    from content.revisions import publish_revision, start_revision

    live = Topic.objects.get(slug=slug)
    revision = start_revision(live, None)
    revision.summary = f"{revision.summary.removesuffix(' Revised.')} Revised."
    revision.save()
    revision.record_review(live.reviewed_by)
    revision.save()
    started = time.perf_counter()
    publish_revision(revision, reason="Benchmark publish.")  # commits, renders
    return (time.perf_counter() - started) * 1000


def worker_memory_mb(server: subprocess.Popen) -> list[float]:
    """Resident memory of each worker process of a server, in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    sizes = []
    for pid in children.read_text().split():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def measure_publishing(
    slugs: list[str], servers
) -> tuple[float, list[tuple[str, str]]]:
    """Issue 14's freshness figures, each the median of five tries: the
    publish latency in ms, and every figure as a line of the report."""
    warm = f"/api/v1/topics/{WARM_TOPIC}/"
    others = [slug for slug in slugs if slug != WARM_TOPIC][:5]
    publish, first_read, unrelated, warm_hit = [], [], [], []
    for slug in others:
        timed_get(warm)
        warm_hit.append(timed_get(warm))
        publish.append(publish_revision_of(slug))
        first_read.append(timed_get(f"/api/v1/topics/{slug}/"))
        unrelated.append(timed_get(warm))
    memory = worker_memory_mb(servers.processes["cached"])
    return median(publish), [
        (
            "Publish one topic revision (commit, render it, queue the rest)",
            f"{median(publish):.1f} ms",
        ),
        ("First read of it after the publish (HTTP)", f"{median(first_read):.1f} ms"),
        (
            "Another topic, warm hit before the publish (HTTP)",
            f"{median(warm_hit):.1f} ms",
        ),
        (
            "Another topic, first read after the publish (HTTP)",
            f"{median(unrelated):.1f} ms",
        ),
        (
            "Memory per worker (RSS, cached server)",
            ", ".join(f"{size:.0f} MB" for size in memory),
        ),
    ]


def measure_snapshot() -> list[tuple[str, str]]:
    """Issue 15's snapshot at the corpus size, in process: the worker's full
    reconcile and bundle build, and the bundle's size."""
    from django.utils import timezone

    from feed import changes, snapshot

    started = time.perf_counter()
    changes.reconcile_everything()
    reconciled = time.perf_counter()
    bundle = snapshot.build(
        f"http://{HOST}:{PORTS['cached']}", changes.catch_up(), timezone.now()
    )
    built = time.perf_counter()
    return [
        ("Full reconcile of the change feed (worker)", f"{reconciled - started:.1f} s"),
        (
            f"Snapshot build, {bundle.documents:,} documents (worker)",
            f"{built - reconciled:.1f} s",
        ),
        (
            "Snapshot size, gzip (JSON)",
            f"{len(bundle.body) / 1024:,.0f} KB "
            f"({bundle.uncompressed_bytes / 1024:,.0f} KB)",
        ),
    ]


def topic_slugs() -> list[str]:
    from content.models import Topic

    slugs = list(Topic.objects.order_by("slug").values_list("slug", flat=True))
    random.Random(7).shuffle(slugs)  # a mix of shapes, the same every run
    return slugs


def machine_facts(args) -> list[tuple[str, str]]:
    from django.db import connection

    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        memory_kb = int(meminfo.readline().split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = redis.Redis.from_url(args.redis).info()["redis_version"]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    version = subprocess.run(
        [str(Path(sys.executable).with_name(args.server)), "--version"],
        capture_output=True,
        text=True,
    )
    workers = os.environ.get("GUNICORN_WORKERS", default_workers())
    threads = os.environ.get("GUNICORN_THREADS", "4")
    if args.server == "granian":
        server = f"{version.stdout.strip()} (WSGI)"
    else:
        worker_class = "gthread"
        overrides = os.environ.get("GUNICORN_CMD_ARGS", "")
        if match := re.search(r"(?:-k|--worker-class)[ =](\S+)", overrides):
            worker_class = match.group(1)
        if match := re.search(r"--threads[ =](\d+)", overrides):
            threads = match.group(1)
        server = f"{version.stdout.strip()} (gunicorn.conf.py, {worker_class})"
    return [
        ("CPU", f"{os.cpu_count()} × {cpu}"),
        ("RAM", f"{memory_kb / 1024 / 1024:.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("PostgreSQL", postgres.split()[0]),
        ("Redis", redis_version),
        ("wrk", (wrk.stdout or wrk.stderr).split("Copyright")[0].strip()),
        (
            "Server",
            f"{server}: {workers} workers × {threads} threads, per server "
            "(product cached, product uncached, bare floor)",
        ),
        (
            "Load",
            f"wrk, 1 thread, {args.connections} connections, {args.seconds} s per "
            "row after a 1 s warm-up, loopback",
        ),
        ("Corpus", f"{args.topics} generated topics"),
    ]


def build_rows(args, slugs: list[str]) -> list[Row]:
    topic = f"/api/v1/topics/{WARM_TOPIC}/"
    comparison = f"/api/v1/comparisons/{COMPARISON}/"
    search = f"/api/v1/search/?q={SEARCH_QUERY}"
    faqpage = f"/api/v1/topics/{WARM_TOPIC}/faqpage/"
    return [
        Row(FLOOR, "bare", "/bench/floor/"),
        Row(STACK_FLOOR, "cached", "/bench/floor/", warm=True),
        Row(WARM_DETAIL, "cached", topic, warm=True),
        Row(
            NOT_MODIFIED,
            "cached",
            topic,
            headers={"If-None-Match": etag_of(topic)},
            expected_status=304,
            warm=True,
        ),
        Row(
            COLD_DETAIL,
            "uncached",
            topic,
            cycle=[f"/api/v1/topics/{slug}/" for slug in slugs],
            cache_enabled=False,
        ),
        Row(
            BASELINE,
            "uncached",
            f"/bench/baseline/topics/{WARM_TOPIC}/",
            cycle=[f"/bench/baseline/topics/{slug}/" for slug in slugs],
            cache_enabled=False,
        ),
        Row(
            f"topics list of 20, cold, {args.topics} topics",
            "uncached",
            "/api/v1/topics/",
            cache_enabled=False,
        ),
        Row(
            f"topics list of 20, warm, {args.topics} topics",
            "cached",
            "/api/v1/topics/",
            warm=True,
        ),
        Row("comparison detail, cold", "uncached", comparison, cache_enabled=False),
        Row("comparison detail, warm", "cached", comparison, warm=True),
        Row("FAQ JSON-LD, cold", "uncached", faqpage, cache_enabled=False),
        Row("FAQ JSON-LD, warm", "cached", faqpage, warm=True),
        Row(
            "assessment POST",
            "cached",
            f"/api/v1/comparisons/{COMPARISON}/assessment/",
            method="POST",
            body=json.dumps(ASSESSMENT_ANSWERS),
        ),
        # Last: search is the slowest endpoint by far.
        Row(f"search ?q={SEARCH_QUERY}, warm", "cached", search, warm=True),
        Row(f"search ?q={SEARCH_QUERY}, cold", "uncached", search, cache_enabled=False),
        # Issue 14's search target: p50 at one client, every request a miss.
        Row(
            f"search ?q={SEARCH_QUERY}, cold, one client",
            "uncached",
            search,
            cache_enabled=False,
            connections=1,
        ),
    ]


def prepare(row: Row) -> None:
    progress(f"  {row.name} …")
    if row.server == "bare":
        measure_bare(row)
        return
    measure_in_process(row)
    if row.warm and row.method == "GET" and row.server == "cached":
        if row.path.startswith("/api/"):
            warm_up(row.path)


def measure(row: Row, args, work_dir: Path) -> None:
    try:
        prepare(row)
        row.load = run_wrk(row, args, work_dir)
    except (RuntimeError, ValueError, subprocess.CalledProcessError) as error:
        row.problem = str(error)
        return
    check(row)


def combine(halves: list[Load]) -> Load:
    """Two runs as one: requests over total time; latencies averaged."""
    if not all(load.requests for load in halves):
        raise RuntimeError("No request completed in half of the time.")
    seconds = sum(load.requests / load.requests_per_second for load in halves)
    return Load(
        requests=sum(load.requests for load in halves),
        requests_per_second=sum(load.requests for load in halves) / seconds,
        p50_ms=sum(load.p50_ms for load in halves) / len(halves),
        p99_ms=sum(load.p99_ms for load in halves) / len(halves),
        bad_responses=sum(load.bad_responses for load in halves),
        socket_errors=sum(load.socket_errors for load in halves),
    )


def measure_together(rows: list[Row], args, work_dir: Path) -> None:
    """Rows a target compares load the servers in turn, A B … B A, for half
    the time each: whatever drifts during the run (other work on the
    machine, PostgreSQL's buffers filling) weighs on them alike."""
    halves: dict[str, list[Load]] = {row.name: [] for row in rows}
    try:
        for row in rows:
            prepare(row)
        for row in [*rows, *reversed(rows)]:
            progress(f"  {row.name} (half) …")
            load = run_wrk(row, args, work_dir, seconds=max(1, args.seconds // 2))
            halves[row.name].append(load)
    except (RuntimeError, ValueError, subprocess.CalledProcessError) as error:
        for row in rows:
            row.problem = str(error)
        return
    for row in rows:
        try:
            row.load = combine(halves[row.name])
        except RuntimeError as error:
            row.problem = str(error)
            continue
        check(row)


def check(row: Row) -> None:
    if row.load.requests == 0:
        row.problem = "no request completed"
    elif row.load.bad_responses:
        row.problem = f"{row.load.bad_responses} responses were not 2xx/3xx"
    elif row.load.socket_errors:
        row.problem = f"{row.load.socket_errors} socket errors"


def format_table(rows: list[Row], floor: Row) -> str:
    lines = [
        "| Endpoint | Bytes | SQL/req | Req/s | p50 ms | p99 ms | × floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.load is None:
            lines.append(f"| {row.name} | — | — | — | — | — | {row.problem} |")
            continue
        ratio = row.load.requests_per_second / floor.load.requests_per_second
        note = f" ({row.note})" if row.note else ""
        note += f" ({row.problem})" if row.problem else ""
        lines.append(
            f"| {row.name}{note} | {row.size:,} | {row.queries} | "
            f"{row.load.requests_per_second:,.0f} | {row.load.p50_ms:.2f} | "
            f"{row.load.p99_ms:.2f} | {ratio:.2f} |"
        )
    return "\n".join(lines)


def format_issue_14_targets(
    rows: dict[str, Row], publish_ms: float, render_seconds: float, args
) -> str:
    """Issue 14's table: reads against the bare floor, publishing, rebuilding."""
    floor = rows[FLOOR].load.requests_per_second

    def ratio(name: str, target: float) -> tuple[str, bool]:
        value = rows[name].load.requests_per_second / floor
        return f"{value:.3f} ×", value >= target

    search = rows[f"search ?q={SEARCH_QUERY}, cold, one client"].load.p50_ms
    measured = [
        ("topic detail, warm (cache hit) ≥ 0.8 × floor", *ratio(WARM_DETAIL, 0.8)),
        ("topic detail, 304 ≥ 0.9 × floor", *ratio(NOT_MODIFIED, 0.9)),
        ("topic detail, cold ≥ 0.3 × floor", *ratio(COLD_DETAIL, 0.3)),
        (
            "topics list, cold ≥ 0.3 × floor",
            *ratio(f"topics list of 20, cold, {args.topics} topics", 0.3),
        ),
        (
            "comparison detail, cold ≥ 0.3 × floor",
            *ratio("comparison detail, cold", 0.3),
        ),
        (
            f'search "{SEARCH_QUERY}", cold, one client: p50 ≤ 50 ms',
            f"{search:.1f} ms",
            search <= 50,
        ),
        (
            "publish one topic revision < 200 ms",
            f"{publish_ms:.0f} ms",
            publish_ms < 200,
        ),
        (
            f"render every document of {args.topics} topics < 2 min",
            f"{render_seconds:.0f} s",
            render_seconds < 120,
        ),
    ]
    lines = ["| Issue 14 target | Measured | |", "|---|---|---|"]
    for name, value, met in measured:
        lines.append(f"| {name} | {value} | {'met' if met else '**not met**'} |")
    return "\n".join(lines)


def format_targets(rows: dict[str, Row], small_list: Row, shapes: dict) -> str:
    def rps(name):
        return rows[name].load.requests_per_second

    floor = rps(FLOOR)
    warm = rps(WARM_DETAIL) / floor
    not_modified = rps(NOT_MODIFIED) / floor
    cold = rps(COLD_DETAIL)
    baseline = rps(BASELINE)
    large_list = next(
        r for n, r in rows.items() if n.startswith("topics list of 20, cold")
    )
    list_ratio = large_list.load.p50_ms / small_list.load.p50_ms
    cold_counts = sorted(set(shapes["detail"].values()))
    list_counts = (small_list.queries, large_list.queries)
    constant = len(cold_counts) == 1 and list_counts[0] == list_counts[1]

    def verdict(met: bool, *pair: Row) -> str:
        if pair and pair[0].note != pair[1].note:
            return "**not comparable**: loaded differently"
        return "met" if met else "**not met**"

    cold_row = rows[COLD_DETAIL]
    baseline_row = rows[BASELINE]

    lines = [
        "| Issue 7 target | Measured | |",
        "|---|---|---|",
        f"| warm detail ≥ 0.8 × bare floor | {warm:.2f} × | {verdict(warm >= 0.8)} |",
        f"| 304 ≥ 0.9 × bare floor | {not_modified:.2f} × | "
        f"{verdict(not_modified >= 0.9)} |",
        f"| cold detail ≥ 2 × plain DRF | {cold:,.0f} vs {baseline:,.0f} req/s = "
        f"{cold / baseline:.2f} × | "
        f"{verdict(cold >= 2 * baseline, cold_row, baseline_row)} |",
        f"| list of 20: p50 at {large_list.name.split(', ')[-1]} ≤ 1.3 × p50 at "
        f"{SMALL_CORPUS} | {large_list.load.p50_ms:.2f} vs "
        f"{small_list.load.p50_ms:.2f} ms = {list_ratio:.2f} × | "
        f"{verdict(list_ratio <= 1.3, large_list, small_list)} |",
        "| SQL queries per request constant | cold detail "
        + ", ".join(f"{slug[-5:]}: {n}" for slug, n in shapes["detail"].items())
        + f"; list {list_counts[0]} at {SMALL_CORPUS}, {list_counts[1]} at full size"
        f" | {verdict(constant)} |",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        progress("make bench needs wrk (Debian: apt-get install wrk).")
        return 2
    # SIGTERM (CI timeouts, kill) cleans up like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    environment = production_environment(args)
    os.environ.update(environment)
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)

    import django

    progress(f"Creating database {args.database} …")
    recreate_database(args.postgres, args.database)
    django.setup()
    # The access log of in-process requests would drown the progress lines.
    logging.disable(logging.INFO)
    from django.core.management import call_command
    from django.db import connections

    redis.Redis.from_url(args.redis).flushdb()
    servers = Servers(
        environment, Path(tempfile.mkdtemp(prefix="rehabinfo-bench-")), args.server
    )
    work_dir = servers.log_dir
    try:
        call_command("migrate", verbosity=0)
        progress(f"Generating {SMALL_CORPUS} topics …")
        generate_corpus(SMALL_CORPUS)
        render_documents()
        progress(f"Starting {args.server} (logs in {work_dir}) …")
        servers.start()
        small_list = Row(
            f"topics list of 20, cold, {SMALL_CORPUS} topics",
            "uncached",
            "/api/v1/topics/",
            cache_enabled=False,
        )
        progress("Measuring:")
        measure(small_list, args, work_dir)
        if args.topics > SMALL_CORPUS:
            progress(f"Growing the corpus to {args.topics} topics …")
            generate_corpus(args.topics)
        progress("Rendering every document …")
        full_render = render_documents()
        slugs = topic_slugs()
        rows = build_rows(args, slugs)
        progress("Measuring:")
        by_name = {row.name: row for row in rows}
        for group in COMPARED_TOGETHER:
            measure_together([by_name[name] for name in group], args, work_dir)
        compared = {name for group in COMPARED_TOGETHER for name in group}
        for row in rows:
            if row.name not in compared:
                measure(row, args, work_dir)
        shapes = {
            "detail": {
                slug: cold_queries(f"/api/v1/topics/{slug}/", PORTS["uncached"])
                for slug in QUERY_SHAPE_TOPICS
            }
        }
        progress("Publishing …")
        publish_ms, publish_lines = measure_publishing(slugs, servers)
        render_seconds, rendered = full_render
        publishing = [
            (
                f"Render every document of {args.topics} topics "
                f"({RENDER_JOBS} processes)",
                f"{render_seconds:.1f} s ({rendered})",
            ),
            *publish_lines,
            *measure_snapshot(),
        ]
        # The small list sits after the cold detail and its baseline.
        all_rows = [*rows[:6], small_list, *rows[6:]]
        floor = rows[0]
        facts = machine_facts(args)
    finally:
        servers.stop()
        connections.close_all()
        drop_database(args.postgres, args.database)
        redis.Redis.from_url(args.redis).flushdb()

    report()
    report("| Machine | |\n|---|---|")
    for name, value in facts:
        report(f"| {name} | {value} |")
    report()
    if floor.load is None:
        progress(f"FAILED: the floor could not be measured: {floor.problem}")
        return 1
    report(format_table(all_rows, floor))
    report()
    report("| Publishing | |\n|---|---|")
    for name, value in publishing:
        report(f"| {name} | {value} |")
    report()
    failed = [row for row in all_rows if row.load is None or row.problem]
    if not failed:
        by_name = {r.name: r for r in rows}
        report(format_issue_14_targets(by_name, publish_ms, render_seconds, args))
        report()
        report(format_targets(by_name, small_list, shapes))
    for row in failed:
        progress(f"FAILED: {row.name}: {row.problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
