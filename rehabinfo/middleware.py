"""Site-wide middleware, for every path: access log, HEAD bodies, request body size
limit, database outages, the content security policy."""

import functools
import logging
import re
import time
import uuid

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

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


# What a view can set to vary django-csp's policy for one response.
CSP_RESPONSE_PARTS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def site_policy(report_only: bool) -> str:
    """The policy the settings give every response ("" for none)."""
    return build_policy(report_only=report_only)


@receiver(setting_changed)
def forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy built once per process.

    Building it from the settings (copies of every directive, for the policy
    and the report-only one) took a sixth of a response-cache hit. Nothing
    here varies it per response: no view uses django-csp's decorators or a
    nonce, and the widget pages send a header of their own, which is left in
    place as django-csp leaves it. A response that does vary it goes through
    django-csp unchanged.
    """

    def process_response(self, request, response):
        if self.varies(request, response):
            return super().process_response(request, response)
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            policy = site_policy(report_only)
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(excluded_prefixes(report_only))
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def varies(request, response) -> bool:
        return (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, part, None) for part in CSP_RESPONSE_PARTS)
            or (settings.DEBUG and response.status_code in (404, 500))
        )


def excluded_prefixes(report_only: bool) -> tuple[str, ...]:
    name = "CONTENT_SECURITY_POLICY" + ("_REPORT_ONLY" if report_only else "")
    policy = getattr(settings, name, None) or {}
    return tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
