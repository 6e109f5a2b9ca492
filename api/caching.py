"""HTTP caching of public GET responses: validators and freshness headers."""

import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from content.models import content_version
from rehabinfo.outages import DATABASE_OUTAGES


def strong_etag(body: bytes) -> str:
    return quote_etag(hashlib.sha256(body).hexdigest()[:40])


def public_freshness(request, response, vary: list[str]):
    """ETag, Last-Modified, Cache-Control and Vary on a successful public GET.

    The ETag hashes the exact bytes sent, so it changes whenever anything the
    response shows changes. Last-Modified is when public content last changed
    anywhere (an edit or a schedule boundary passing), so it never lags. A
    request's ``Cache-Control: no-cache`` still gets a 304: it asks the cache
    to revalidate, which is what a conditional request is. Raises
    DatabaseError when the content version cannot be read.
    """
    last_modified = content_version(timezone.now()).changed_at.timestamp()
    etag = strong_etag(response.content)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["Cache-Control"] = (
        f"public, max-age={settings.API_CACHE_MAX_AGE}, "
        f"s-maxage={settings.API_CACHE_S_MAXAGE}"
    )
    patch_vary_headers(response, vary)
    return get_conditional_response(
        request, etag=etag, last_modified=int(last_modified), response=response
    )


class ConditionalGetMixin:
    """``public_freshness`` on every successful GET or HEAD of an API view."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        try:
            # A shared cache (CDN) must not answer a keyed request from a
            # keyless entry: the partner's request is counted and throttled
            # per partner.
            return public_freshness(request, response, ["Accept", "X-Api-Key"])
        except DATABASE_OUTAGES as error:
            # finalize_response runs outside DRF's error handling: answer the
            # outage as the problem response the exception handler builds.
            return super().finalize_response(
                request, self.handle_exception(error), *args, **kwargs
            )
