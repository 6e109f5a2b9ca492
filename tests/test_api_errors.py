"""Every error under /api/ is an RFC 9457 problem, never HTML or a traceback."""

import json

import pytest
from django.db import OperationalError, ProgrammingError
from django.test import Client

from api.problems import PROBLEM_CONTENT_TYPE
from api.throttling import PartnerRateThrottle
from content.models import Topic
from rehabinfo.middleware import RequestSizeLimitMiddleware


def assert_problem(response, status: int):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


def test_unknown_slug_is_a_problem_404(client, db):
    response = client.get("/api/v1/topics/no-such-topic/")

    assert_problem(response, 404)


@pytest.mark.parametrize(
    "path", ["/api/", "/api/v2/topics/", "/api/v1/nothing-here/", "/api/v1/topics"]
)
def test_unknown_url_under_api_is_a_problem_404(client, db, path):
    response = client.get(path)

    assert_problem(response, 404)


def test_non_numeric_faq_id_is_a_problem_404(client, db):
    assert_problem(client.get("/api/v1/faqs/abc/"), 404)


def test_unsupported_method_is_a_problem_405(client, db):
    body = assert_problem(client.post("/api/v1/topics/", {}), 405)

    assert "POST" in body["detail"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_to_detail_are_a_problem_405(client, published_topic, method):
    response = getattr(client, method)("/api/v1/topics/heroin-rehab/")

    assert_problem(response, 405)


def test_unacceptable_media_type_is_a_problem_406(client, db):
    response = client.get("/api/v1/topics/", HTTP_ACCEPT="application/xml")

    assert_problem(response, 406)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("offset=x", "offset"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-13-45", "updated_since"),
        ("updated_since=2026-11-01", "updated_since"),
        ("ordering=secret_field", "ordering"),
        ("ordering=", "ordering"),
        ("colour=blue", "colour"),
    ],
)
def test_bad_query_parameter_is_a_400_naming_it(client, db, query, parameter):
    body = assert_problem(client.get(f"/api/v1/topics/?{query}"), 400)

    assert [error["field"] for error in body["errors"]] == [parameter]
    assert parameter in body["detail"]


def test_updated_since_accepts_a_date_and_time_with_or_without_offset(
    client, published_topic
):
    for since in ("2000-01-01T00:00:00Z", "2000-01-01T00:00", "2000-01-01 00:00+02:00"):
        response = client.get("/api/v1/topics/", {"updated_since": since})

        assert response.status_code == 200, since
        assert response.json()["count"] == 1


def test_unknown_query_parameter_problem_lists_the_known_ones(client, db):
    body = assert_problem(client.get("/api/v1/faqs/?colour=blue"), 400)

    assert body["errors"] == [
        {
            "field": "colour",
            "message": "Unknown query parameter. This endpoint's parameters: "
            "comparison, limit, offset, ordering, topic, updated_since.",
        }
    ]


def test_key_query_parameter_problem_points_to_the_key_header(client, db):
    body = assert_problem(client.get("/api/v1/topics/?key=Ab12Cd34.x"), 400)

    assert body["errors"][0]["field"] == "key"
    assert "X-Api-Key header" in body["errors"][0]["message"]


def test_detail_endpoints_accept_no_query_parameters(client, published_topic):
    body = assert_problem(client.get("/api/v1/topics/heroin-rehab/?limit=5"), 400)

    assert body["errors"][0]["field"] == "limit"


def test_bad_choice_filter_is_a_400_naming_it(client, db):
    body = assert_problem(client.get("/api/v1/resources/?kind=spaceship"), 400)

    assert body["errors"][0]["field"] == "kind"


def test_database_failure_is_a_problem_503_with_retry_after(client, db, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("api.v1.views.TopicViewSet.get_queryset", unavailable)
    # A plain list page is read before the view (publishing.serving).
    monkeypatch.setattr(Topic.objects, "published", unavailable, raising=False)

    response = client.get("/api/v1/topics/")

    assert_problem(response, 503)
    assert response["Retry-After"].isdigit()


@pytest.mark.parametrize("path", ["/api/v1/topics/", "/embed/v1/topics/x/faqs/"])
def test_database_bug_is_a_500_with_its_traceback_logged_not_an_outage(
    db, monkeypatch, caplog, path
):
    def missing_column(*args, **kwargs):
        raise ProgrammingError('column "reading_grade" does not exist')

    monkeypatch.setattr("api.v1.views.TopicViewSet.get_queryset", missing_column)
    monkeypatch.setattr(Topic.objects, "published", missing_column, raising=False)

    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert any(
        record.exc_info and "reading_grade" in str(record.exc_info[1])
        for record in caplog.records
    )


def test_unexpected_failure_is_a_problem_500_without_traceback(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("api.v1.views.TopicViewSet.get_queryset", broken)
    # A plain list page is read before the view (publishing.serving).
    monkeypatch.setattr(Topic.objects, "published", broken, raising=False)

    response = Client(raise_request_exception=False).get("/api/v1/topics/")

    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in body["detail"]


def test_throttled_request_is_a_problem_429_with_retry_after(client, db, monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})

    statuses = [client.get("/api/v1/topics/").status_code for _ in range(3)]
    response = client.get("/api/v1/topics/")

    assert statuses == [200, 200, 429]
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0


def test_admin_keeps_html_error_pages(client, db):
    response = client.get("/admin/no-such-page/")

    assert response.status_code in (302, 404)
    assert "problem+json" not in response.get("Content-Type", "")


def test_empty_query_parameter_is_a_400_naming_it(client, db):
    body = assert_problem(client.get("/api/v1/topics/?updated_since="), 400)

    assert body["errors"][0]["field"] == "updated_since"


def test_unsupported_method_with_query_is_still_a_405(client, db):
    response = client.generic("TRACE", "/api/v1/topics/?limit=5&nonsense=1")

    assert_problem(response, 405)


def test_offset_beyond_the_bound_is_a_400(client, db):
    body = assert_problem(client.get("/api/v1/topics/?offset=99999999999"), 400)

    assert body["errors"][0]["field"] == "offset"


def test_post_to_unknown_api_url_is_a_problem_404_not_a_csrf_page(client, db):
    client.handler.enforce_csrf_checks = True

    response = client.post("/api/v1/nothing/", "{}", content_type="application/json")

    assert_problem(response, 404)


def test_updated_since_with_an_exotic_offset_is_answered(client, published_topic):
    response = client.get("/api/v1/topics/?updated_since=0546-06-04T13:16:45%2B20:03")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_updated_since_beyond_the_calendar_edges_is_answered(client, published_topic):
    early = client.get("/api/v1/topics/?updated_since=0001-01-01T00:00:00%2B05:00")
    late = client.get("/api/v1/topics/?updated_since=9999-12-31T23:00:00-05:00")

    assert (early.status_code, early.json()["count"]) == (200, 1)
    assert (late.status_code, late.json()["count"]) == (200, 0)


def test_value_the_database_refuses_is_a_400_not_a_503(client, db, monkeypatch):
    from django.db import DataError

    def refuse(*args, **kwargs):
        raise DataError("value out of range")

    monkeypatch.setattr("api.v1.views.TopicViewSet.get_queryset", refuse)

    # Through the view: a plain list page is read before it.
    assert_problem(client.get("/api/v1/topics/?ordering=title"), 400)


def test_declared_oversized_body_is_a_problem_413(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post(
        "/api/v1/comparisons/anything/assessment/",
        data=b"x" * 2048,
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "1024 bytes" in response.json()["detail"]


def test_oversized_body_outside_the_api_is_a_plain_413(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post("/admin/login/", data=b"x" * 2048, content_type="text/plain")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("post", "/api/v1/schema/", {}, 405),
        ("get", "/api/v1/schema/", {"HTTP_ACCEPT": "text/html"}, 406),
        ("post", "/api/v1/docs/", {}, 405),
        ("get", "/api/v1/docs/", {"HTTP_ACCEPT": "application/xml"}, 406),
        ("post", "/api/v1/redoc/", {}, 405),
        ("get", "/api/v1/redoc/", {"HTTP_ACCEPT": "application/xml"}, 406),
    ],
)
def test_schema_and_docs_errors_are_problem_json(
    client, db, method, path, headers, status
):
    response = getattr(client, method)(path, **headers)

    assert_problem(response, status)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/schema/?lang=fr", "lang"),
        ("/api/v1/schema/?format=json", "format"),
        ("/api/v1/docs/?colour=blue", "colour"),
        ("/api/v1/docs/?script=&x=1", "x"),
        ("/api/v1/redoc/?version=2", "version"),
    ],
)
def test_schema_and_docs_refuse_unknown_query_parameters(client, db, path, parameter):
    body = assert_problem(client.get(path), 400)

    assert [error["field"] for error in body["errors"]] == [parameter]


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/api/v1/topics/no-such-topic/", {}, 404),
        ("/api/v1/nothing-here/", {}, 404),
        ("/api/v1/topics/?limit=0", {}, 400),
        ("/api/v1/topics/", {"HTTP_X_API_KEY": "not-a-key"}, 401),
        ("/api/v1/topics/", {"HTTP_ACCEPT": "application/xml"}, 406),
    ],
)
def test_api_errors_are_never_stored_by_a_cache(client, db, path, headers, status):
    response = client.get(path, **headers)

    assert response.status_code == status
    assert response["Cache-Control"] == "no-store"


def test_body_without_length_or_end_is_a_problem_411_not_an_empty_body(rf):
    request = rf.post(
        "/api/v1/comparisons/anything/assessment/",
        b'{"answers": {}}',
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    del request.META["CONTENT_LENGTH"]  # As a server that cannot end the input.

    response = RequestSizeLimitMiddleware(lambda request: None)(request)

    assert_problem(response, 411)
