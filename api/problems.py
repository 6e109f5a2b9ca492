"""RFC 9457 problem details: the one shape of every error under /api/."""

import logging
import math
import threading
import time
from http import HTTPStatus

from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from embed.views import EMBED_PATH_PREFIX, error_page
from rehabinfo.outages import DATABASE_OUTAGES

PROBLEM_CONTENT_TYPE = "application/problem+json"
DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = "The content database is unavailable; try again shortly."
# While the database is down, its failures are logged once per interval, not
# once per request (the access log still has every 503).
DATABASE_OUTAGE_LOG_INTERVAL = 10.0

API_PATH_PREFIX = "/api/"
# An error describes one moment (a missing page may be published next minute,
# a 429 ends with its window): no browser or CDN may keep it.
PROBLEM_CACHE_CONTROL = "no-store"

logger = logging.getLogger(__name__)


def problem(status: int, detail: str, errors: list[dict] | None = None) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def field_errors(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested validation detail into ``[{field, message}]``."""
    if isinstance(detail, dict):
        return [
            error
            for name, value in detail.items()
            for error in field_errors(
                value, f"{prefix}.{name}" if prefix else str(name)
            )
        ]
    if isinstance(detail, list):
        return [error for item in detail for error in field_errors(item, prefix)]
    return [{"field": prefix or "non_field_errors", "message": str(detail)}]


def validation_detail(errors: list[dict]) -> str:
    if len(errors) == 1:
        error = errors[0]
        return f"{error['field']}: {error['message']}"
    return f"{len(errors)} parameters are invalid; see errors."


def exception_handler(exc, context):
    """DRF's exception handler, answering every failure as problem details.

    The body is JSON whatever the view negotiated: the schema view would
    otherwise write the problem as YAML and the docs views as text.
    """
    response = problem_for_exception(exc, context)
    response.content_type = PROBLEM_CONTENT_TYPE
    response.headers["Cache-Control"] = PROBLEM_CACHE_CONTROL
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def problem_for_exception(exc, context) -> Response:
    if isinstance(exc, DataError):
        # The database refused a value that got past validation.
        logger.warning("Database refused a value: %s", exc.__class__.__name__)
        set_rollback()
        return Response(
            problem(400, "A value in the request is out of the supported range."),
            status=400,
        )
    if isinstance(exc, DATABASE_OUTAGES):
        database_outage.log(exc)
        set_rollback()
        return Response(
            problem(503, DATABASE_UNAVAILABLE),
            status=503,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in the API", exc_info=exc)
        set_rollback()
        return Response(
            problem(500, "The server failed to answer this request."), status=500
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        body = problem(response.status_code, validation_detail(errors), errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = problem(response.status_code, str(detail))
    response.data = body
    return response


def problem_response(status: int, detail: str) -> JsonResponse:
    """A problem answered outside DRF (middleware, Django's error handlers)."""
    response = JsonResponse(
        problem(status, detail), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    response.headers["Cache-Control"] = PROBLEM_CACHE_CONTROL
    return response


def is_api_request(request) -> bool:
    return request.path.startswith(API_PATH_PREFIX)


def error_response(
    request, status: int, detail: str, retry_after: int | None = None
) -> HttpResponse:
    """An error answered outside a view, in the format of the surface asked.

    Problem details under /api/, the widget's own error page under /embed/
    (it is shown inside a partner's page), plain text elsewhere.
    """
    if is_api_request(request):
        response = problem_response(status, detail)
    elif request.path.startswith(EMBED_PATH_PREFIX):
        response = error_page(request, status, HTTPStatus(status).phrase, detail)
    else:
        response = HttpResponse(detail, status=status, content_type="text/plain")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


class OutageLog:
    """One line per interval while a backing service keeps failing.

    ``message`` takes what failed (%s) and the interval (%g).
    """

    def __init__(self, message: str, interval: float, level: int = logging.ERROR):
        self.message = message
        self.interval = interval
        self.level = level
        self.logged_at = -math.inf
        self.lock = threading.Lock()

    def log(self, what: Exception | str) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.logged_at < self.interval:
                return
            self.logged_at = now
        if isinstance(what, Exception):
            what = what.__class__.__name__
        logger.log(self.level, self.message, what, self.interval)


database_outage = OutageLog(
    "Database unavailable (%s): answering 503; further failures in the next "
    "%g s are not logged.",
    DATABASE_OUTAGE_LOG_INTERVAL,
)


def database_unavailable(request, error: Exception) -> HttpResponse:
    """The 503 of a request the database failed, with Retry-After, logged once."""
    database_outage.log(error)
    return error_response(
        request, 503, DATABASE_UNAVAILABLE, retry_after=DATABASE_RETRY_AFTER_SECONDS
    )


# Django-level handlers: URLs under /api/ that match no view, and failures
# outside DRF, get problem details; the admin keeps Django's HTML pages.


def not_found(request, exception=None):
    if is_api_request(request):
        return problem_response(404, f"No resource at {request.path}.")
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if is_api_request(request):
        return problem_response(400, "The request could not be understood.")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api_request(request):
        return problem_response(403, "You do not have permission for this request.")
    return defaults.permission_denied(request, exception)


def server_error(request):
    if is_api_request(request):
        return problem_response(500, "The server failed to answer this request.")
    return defaults.server_error(request)
