"""Request ids and structured request logs, with nothing secret in them."""

import io
import json
import logging
import sys
import threading

import pytest

from partners.keys import redact_keys
from rehabinfo.logs import BackgroundStreamHandler, JSONLogFormatter, RedactKeysFilter


def access_records(caplog):
    return [r for r in caplog.records if r.name == "rehabinfo.access"]


def test_request_id_is_generated_and_echoed(client, db):
    response = client.get("/healthz")

    assert len(response["X-Request-ID"]) == 32


def test_well_formed_incoming_request_id_is_kept(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abc")

    assert response["X-Request-ID"] == "lb-1234.abc"


def test_malformed_incoming_request_id_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n<script>")

    assert response["X-Request-ID"] != "bad id\n<script>"
    assert len(response["X-Request-ID"]) == 32


def test_one_access_line_per_request_with_its_fields(client, db, caplog):
    caplog.set_level(logging.INFO, logger="rehabinfo.access")

    response = client.get("/api/v1/topics/?limit=5")

    [record] = access_records(caplog)
    line = json.loads(JSONLogFormatter().format(record))
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/topics/"
    assert line["status"] == 200
    assert line["request_id"] == response["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_logs_hold_no_query_string_and_no_body(client, seed_content, caplog):
    caplog.set_level(logging.DEBUG)

    client.get("/embed/v1/topics/heroin-rehab/faqs/?key=abcdefgh.secretsecretsecret")
    client.post(
        "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/assessment/",
        '{"answers": {"safe-home": "no"}}',
        content_type="application/json",
    )

    lines = [JSONLogFormatter().format(record) for record in caplog.records]
    logged = "\n".join(lines)
    assert "secretsecret" not in logged
    assert "safe-home" not in logged
    assert len(access_records(caplog)) == 2


KEY = "Ab12Cd34.k7Q2xZ9pL4mN8vB3cR6tY1wE5uI0oP2a"


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (f"GET /embed/?theme=dark&key={KEY} HTTP/1.1", "&key=[redacted] HTTP/1.1"),
        ("GET /embed/?key=typo.not-a-key&theme=dark", "?key=[redacted]&theme=dark"),
        ("X-Api-Key: half-a-key", "X-Api-Key: [redacted]"),
        ("{'HTTP_X_API_KEY': 'half-a-key'}", "{'HTTP_X_API_KEY': '[redacted]'}"),
        (f"Invalid HTTP_HOST header: '{KEY}'", "header: '[redacted]'"),
    ],
)
def test_redact_keys_replaces_keys_and_values_given_as_keys(text, redacted):
    assert redacted in redact_keys(text)
    assert "half-a-key" not in redact_keys(text)
    assert KEY.split(".")[1] not in redact_keys(text)


def test_log_lines_hold_no_partner_key_in_message_arguments_or_traceback():
    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        record = logging.getLogger("test").makeRecord(
            "test", logging.ERROR, __file__, 1, "Refused %s", (KEY,), sys.exc_info()
        )

    assert RedactKeysFilter().filter(record)

    for formatter in (JSONLogFormatter(), logging.Formatter()):
        line = formatter.format(record)
        assert KEY.split(".")[1] not in line
        assert "Refused [redacted]" in line and "bad key [redacted]" in line


def test_django_log_handlers_redact_partner_keys(settings):
    filters = settings.LOGGING["filters"]
    for handler in settings.LOGGING["handlers"].values():
        assert [filters[name]["()"] for name in handler["filters"]] == [
            "rehabinfo.logs.RedactKeysFilter"
        ]


class BlockedStream(io.StringIO):
    """stderr whose reader has fallen behind: writes wait until released."""

    def __init__(self):
        super().__init__()
        self.released = threading.Event()
        self.writers: set[str] = set()

    def write(self, text):
        self.writers.add(threading.current_thread().name)
        self.released.wait(timeout=10)  # a handler that blocks fails, not hangs
        return super().write(text)


def background_logger(stream) -> tuple[logging.Logger, BackgroundStreamHandler]:
    handler = BackgroundStreamHandler(stream)
    handler.setFormatter(JSONLogFormatter())
    handler.addFilter(RedactKeysFilter())
    logger = logging.getLogger("test.background")
    logger.propagate = False
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    return logger, handler


def test_access_line_is_written_off_the_request_thread_even_when_stderr_blocks():
    stream = BlockedStream()
    logger, handler = background_logger(stream)

    logger.info("GET %s 200", "/api/v1/", extra={"status": 200, "duration_ms": 1.5})
    returned_while_blocked = not stream.released.is_set()
    stream.released.set()
    handler.close()  # drains the queue

    line = json.loads(stream.getvalue())
    assert returned_while_blocked
    assert threading.current_thread().name not in stream.writers
    assert (line["message"], line["status"], line["duration_ms"]) == (
        "GET /api/v1/ 200",
        200,
        1.5,
    )


def test_background_log_lines_keep_the_traceback_without_partner_keys():
    stream = BlockedStream()
    stream.released.set()
    logger, handler = background_logger(stream)

    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        logger.exception("Refused %s", KEY)
    handler.close()

    line = json.loads(stream.getvalue())
    assert line["message"] == "Refused [redacted]"
    assert "ValueError: bad key [redacted]" in line["exception"]
    assert KEY.split(".")[1] not in stream.getvalue()
