"""Request ids and structured request logs, with nothing secret in them."""

import json
import logging

from rehabinfo.logs import JSONLogFormatter


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
