"""The benchmark runner's own logic: reading wrk, planning load, naming its database."""

from argparse import Namespace

from bench.run import (
    COLD_DETAIL,
    FLOOR,
    NOT_MODIFIED,
    SEARCH_QUERY,
    WARM_DETAIL,
    Load,
    Row,
    combine,
    database_url,
    format_issue_14_targets,
    load_plan,
    measure_snapshot,
    parse_wrk,
    server_command,
)

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8701/api/v1/topics/generated-topic-00005/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    14.31ms    9.12ms  98.00ms   80.00%
    Req/Sec     1.37k   120.00     1.60k    70.00%
  Latency Distribution
     50%   14.31ms
     75%   18.00ms
     90%   25.00ms
     99%    1.05s
  13710 requests in 10.00s, 260.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1371.00
Transfer/sec:     26.00MB
"""


def test_bench_parse_wrk_reads_rate_percentiles_and_failures():
    load = parse_wrk(WRK_OUTPUT)

    assert load == Load(
        requests=13710,
        requests_per_second=1371.0,
        p50_ms=14.31,
        p99_ms=1050.0,
        bad_responses=3,
        socket_errors=0,
    )


def test_bench_parse_wrk_counts_socket_errors():
    output = WRK_OUTPUT + "  Socket errors: connect 0, read 2, write 0, timeout 5\n"

    assert parse_wrk(output).socket_errors == 7


def test_bench_load_plan_loads_a_slow_endpoint_one_request_at_a_time():
    args = Namespace(seconds=10, connections=16)
    fast = Row("fast", "cached", "/", seconds_alone=0.02)
    slow = Row("slow", "uncached", "/", seconds_alone=40.0)

    assert load_plan(fast, args).connections == 16
    plan = load_plan(slow, args)
    assert (plan.connections, plan.seconds, plan.warm_up) == (1, 120, False)
    assert plan.timeout > 40


def test_bench_load_plan_keeps_a_row_s_own_connections():
    args = Namespace(seconds=10, connections=16)
    one_client = Row("one", "uncached", "/", seconds_alone=0.02, connections=1)

    assert load_plan(one_client, args).connections == 1


def test_bench_combine_weighs_halves_by_their_time():
    first = Load(100, 100.0, 10.0, 20.0, 0, 0)  # 1 s
    second = Load(300, 50.0, 30.0, 40.0, 1, 0)  # 6 s

    combined = combine([first, second])

    assert combined.requests == 400
    assert combined.requests_per_second == 400 / 7  # not the mean rate, 75
    assert (combined.p50_ms, combined.p99_ms, combined.bad_responses) == (20, 30, 1)


def test_bench_database_url_swaps_only_the_database_name():
    maintenance = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

    url = database_url(maintenance, "rehabinfo_bench")

    assert url == "postgres://postgres@127.0.0.1:5432/rehabinfo_bench?sslmode=disable"


def test_bench_bare_floor_has_no_middleware_and_a_12_byte_json_body(rf):
    from bench.bare import settings as bare_settings
    from bench.bare.urls import floor

    response = floor(rf.get("/bench/floor/"))

    assert bare_settings.MIDDLEWARE == []
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert len(response.content) == 12


def test_bench_bare_floor_is_served_like_the_product():
    product = server_command("gunicorn", "rehabinfo.wsgi", 8701)
    bare = server_command("gunicorn", "bench.bare.wsgi", 8703)

    assert bare[:-1] == product[:-1]  # same server, same gunicorn.conf.py
    assert bare[-1] == "bench.bare.wsgi"


def test_bench_granian_gets_the_product_workers_and_threads(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "2")

    command = server_command("granian", "bench.bare.wsgi", 8703)

    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--blocking-threads") + 1] == "2"
    assert command[-1] == "bench.bare.wsgi:application"


def measured(name: str, requests_per_second: float, p50_ms: float = 1.0) -> Row:
    row = Row(name, "cached", "/")
    row.load = Load(100, requests_per_second, p50_ms, p50_ms, 0, 0)
    return row


def test_bench_reports_each_issue_14_target_against_the_bare_floor():
    rows = [
        measured(FLOOR, 1000),
        measured(WARM_DETAIL, 800),  # exactly the target
        measured(NOT_MODIFIED, 899),  # just under
        measured(COLD_DETAIL, 300),
        measured("topics list of 20, cold, 10000 topics", 50),
        measured("comparison detail, cold", 310),
        measured(f"search ?q={SEARCH_QUERY}, cold, one client", 20, p50_ms=51),
    ]

    table = format_issue_14_targets(
        {row.name: row for row in rows},
        publish_ms=199,
        render_seconds=121,
        args=Namespace(topics=10000),
    )

    verdicts = [line.rsplit("|", 2)[1].strip() for line in table.splitlines()[2:]]
    assert verdicts == [
        "met",
        "**not met**",
        "met",
        "**not met**",
        "met",
        "**not met**",
        "met",
        "**not met**",
    ]
    assert "| topic detail, 304 ≥ 0.9 × floor | 0.899 × | **not met** |" in table


def test_bench_measure_snapshot_reports_the_build_and_the_size(seed_content):
    rows = dict(measure_snapshot())

    assert set(rows) == {
        "Full reconcile of the change feed (worker)",
        "Snapshot build, 24 documents (worker)",
        "Snapshot size, gzip (JSON)",
    }
    assert rows["Snapshot size, gzip (JSON)"].endswith(" KB)")
