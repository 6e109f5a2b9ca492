"""HTTP caching of public GET responses: validators and freshness headers."""

import datetime
import hashlib
import math

from django.conf import settings
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from content.models import content_version
from rehabinfo.outages import DATABASE_OUTAGES


def strong_etag(body: bytes) -> str:
    return quote_etag(hashlib.sha256(body).hexdigest()[:40])


def last_modified_validator(changed_at: datetime.datetime) -> int:
    """The second an ``If-Modified-Since`` must reach for a 304: the first whole
    second after the last change.

    HTTP dates count whole seconds. Compared with the second the change fell
    in, a copy fetched in that second and a change later in the same second
    would share one date, and the stale copy would get a 304. A client can
    only hold this date from a response sent once that second was over
    (``last_modified_header``), so any change after its copy falls in a
    later second and fails the comparison.
    """
    return math.floor(changed_at.timestamp()) + 1


def last_modified_header(validator: int, now: float) -> str:
    """``Last-Modified`` for ``validator``, never later than the response's own
    time (RFC 9110 8.8.2.1).

    Sent within the second of the change, it is that second, which
    ``last_modified_validator`` never answers 304 to: the copy is fetched once
    more, which is the price of never serving a stale one.
    """
    return http_date(min(validator, math.floor(now)))


def public_freshness(request, response, vary: list[str]):
    """ETag, Last-Modified, Cache-Control and Vary on a successful public GET.

    The ETag hashes the exact bytes sent, so it changes whenever anything the
    response shows changes. Last-Modified is when a stored document's bytes
    last changed (``response.modified_at``), or else when public content last
    changed anywhere (an edit or a schedule boundary passing), rounded up to
    the next whole second (``last_modified_validator``), so it never lags. A
    request's ``Cache-Control: no-cache`` still gets a 304: it asks the cache
    to revalidate, which is what a conditional request is. Raises
    DatabaseError when the content version cannot be read.
    """
    now = timezone.now()
    # A stored document's own time; anything else, when content last changed.
    changed_at = (
        getattr(response, "modified_at", None) or content_version(now).changed_at
    )
    last_modified = last_modified_validator(changed_at)
    # For the response cache, which replays the validator on a hit.
    response.last_modified_validator = last_modified
    etag = strong_etag(response.content)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = last_modified_header(
        last_modified, now.timestamp()
    )
    response.headers["Cache-Control"] = (
        f"public, max-age={settings.API_CACHE_MAX_AGE}, "
        f"s-maxage={settings.API_CACHE_S_MAXAGE}"
    )
    patch_vary_headers(response, vary)
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


class ConditionalGetMixin:
    """``public_freshness`` on every successful GET or HEAD of an API view."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if hasattr(response, "render"):  # Stored documents are bytes already.
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
