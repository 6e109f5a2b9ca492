"""Site-wide middleware, for every path: access log, HEAD bodies, request body size
limit, database outages."""

import logging
import re
import time
import uuid

from django.conf import settings

from api.problems import database_unavailable, error_response
from rehabinfo.outages import DATABASE_OUTAGES


class HeadBodyRemovalMiddleware:
    """Send no body for HEAD, as HTTP requires; Django leaves that to the server.

    gunicorn drops such a body too, but logs a warning for every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD" and not response.streaming:
            # Content-Length keeps announcing the GET body's size.
            response.content = b""
        return response


class RequestSizeLimitMiddleware:
    """Refuse a body whose declared length is over the limit with a 413, unread.

    The limit is ``DATA_UPLOAD_MAX_MEMORY_SIZE``. A chunked body gets its
    length from rehabinfo.wsgi under a server that ends the input (gunicorn);
    under one that passes it with neither, Django would read it as empty, so
    it is refused with a 411.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit is not None and declared > limit:
            return error_response(
                request, 413, f"The request body is over the limit of {limit} bytes."
            )
        if "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get(
            "CONTENT_LENGTH"
        ):
            return error_response(
                request, 411, "Send the request body with a Content-Length."
            )
        return self.get_response(request)


class DatabaseOutageMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not 500.

    DRF views answer their own (``api.problems.exception_handler``); this
    covers the rest, such as the widget pages, in their own format.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_OUTAGES):
            return database_unavailable(request, exception)
        return None


REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("rehabinfo.access")


class RequestLogMiddleware:
    """One structured log line per request, tied together by a request id.

    A well-formed incoming ``X-Request-ID`` (from a proxy or client) is kept,
    otherwise one is generated; either way it is echoed in the response. The
    line holds method, path, status, duration and id: never the query string
    (widget URLs carry partner keys) nor any body (assessment answers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = (
            incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        response = self.get_response(request)
        response.headers[REQUEST_ID_HEADER] = request.request_id
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return response
