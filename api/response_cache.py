"""Ready-to-send public responses, cached in the shared cache (Redis).

A hit is served before any view, serializer or SQL: the entry records what it
depends on, and that lives in the cache too, so the entry, its body and what
decides whether it is still valid come back in one round trip (a conditional
request, likely a 304, leaves the body out).

Freshness comes from what a response shows, not from a long expiry:

- **A document's responses** (a topic's, comparison's, FAQ's or resource's
  detail and JSON-LD addresses) and **a kind's plain list pages** (no query
  parameter but ``limit`` and ``offset``) record the *generation token* of
  their item, or of their kind's list (``publishing.generations``). An edit
  replaces the tokens of exactly the items whose documents show the edited
  row (and the lists of their kinds) once its transaction commits, so every
  other entry stays a hit. Such an entry is also served only until its
  ``valid_until``: its document's (the next publish or unpublish time of
  anything it shows), a list's the next such time of any item, and at most
  ``generations.ENTRY_LIFETIME`` (60 s) after it was made, which bounds what
  a write that skips signals (SQL, ``QuerySet.update()``) leaves behind.
  A hit reads no content version.
- **Everything else** (the root, search, filtered lists, widgets, the
  assessment) records the *content version* (``content.models.content_version``:
  when public content last changed, and when the next scheduled
  publish/unpublish time falls) it was made under, and is served only while
  that version is current: an editor's change (any save or delete, see
  ``content.signals``) replaces the version once its transaction commits; a
  scheduled time passing makes the cached version invalid (``valid_until``),
  so the next request computes a new one; an edit made while the cache was
  unreachable shows within a minute, when the cached version expires
  (``VERSION_CACHE_TIMEOUT``). These entries too live at most
  ``generations.ENTRY_LIFETIME`` (60 s), which bounds what a write that
  skips signals leaves behind.

Either way an entry records what it read *before* the view ran, so an edit
committed meanwhile leaves a miss behind, never a stale hit.

Only keyless GET/HEAD requests are served from the cache (the API and the
widget pages): partner keys are checked, counted and throttled per partner by
the views, and a keyed widget page is framed only by its partner's sites.

Entries are keyed by what the response depends on, as the views read it, so
that neither spelling nor junk makes new ones: the query's parameters,
decoded and sorted; and instead of the ``Accept`` header, which
representation it selects (``representation``). A request that repeats a
parameter, or whose ``Accept`` could select a representation no key
describes, bypasses the cache.

A hit runs only the middleware above this one, which sets every security
header (``X-Frame-Options`` included, from the flag the view set on the
miss): no session, authentication, messages, CSRF or history work.

While the database is unreachable, entries still valid are served: a
document's or list's needs nothing but its token; one made under a content
version needs that version current, and when the cache has lost the version
too, the last version this process saw stands in for it
(``last_known_version``). Any other request is answered 503 at once, without
a second attempt to connect.
"""

import datetime
import functools
import hashlib
import math
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response
from rest_framework.utils.mediatypes import (
    _MediaType,
    media_type_matches,
    order_by_precedence,
)

from api.caching import last_modified_header
from api.problems import database_unavailable, error_response
from api.throttling import count_and_read, rate_limit_retry_after
from content.models.changes import (
    VERSION_CACHE_KEY,
    content_version,
    current_content_version,
    last_known_version,
)
from publishing import generations
from rehabinfo.outages import DATABASE_OUTAGES

ENTRY_PREFIX = "response:v3:"
CACHED_PATH_PREFIXES = ("/api/v1/", "/embed/v1/")
# Documentation and the widget script do not depend on content.
UNCACHED_PATH_PREFIXES = (
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/api/v1/redoc/",
    # Previews of unpublished content are private to whoever holds the link.
    "/api/v1/preview/",
    "/embed/v1/faqs.js",
    # Sent gzip-encoded or not by Accept-Encoding, which entries are not keyed
    # by; the feed keeps the built bundle itself (feed/snapshot.py).
    "/api/v1/snapshot/",
)
# Response headers that belong to the representation and are replayed on a
# hit (widget pages carry their own Content-Security-Policy and
# X-Frame-Options policy). Last-Modified is recomputed from the validator.
REPLAYED_HEADERS = (
    "Content-Type",
    "Allow",
    "ETag",
    "Cache-Control",
    "Vary",
    "Content-Security-Policy",
    "X-Frame-Options",
    "Surrogate-Key",
    "Cache-Tag",
)
# Every media type a cached response can have (the browsable API's HTML in
# DEBUG; widget pages ignore Accept).
REPRESENTATIONS = ("application/json", "application/ld+json", "text/html")
MAX_ACCEPT_RANGES = 20


@functools.lru_cache(maxsize=1024)  # Clients send few distinct Accept headers.
def representation(accept: str) -> str | None:
    """What of ``Accept`` decides the representation, in a bounded form.

    DRF's negotiation (``DefaultContentNegotiation``) takes the media ranges
    by precedence and picks the first renderer a range group matches; q
    values play no part. So the key keeps, group by group, which of
    ``REPRESENTATIONS`` it newly matches: every Accept header comes down to
    one of a few dozen such keys, and two headers with the same key select
    the same renderer on every view. ``None`` when the header cannot be
    keyed: a matching range with parameters (``indent=4`` changes the JSON)
    or too many ranges.
    """
    ranges = [part.strip() for part in (accept or "*/*").split(",") if part.strip()]
    if len(ranges) > MAX_ACCEPT_RANGES:
        return None
    matched: set[str] = set()
    groups = []
    for group in order_by_precedence(ranges):
        new = set()
        for media_range in group:
            matching = {
                known
                for known in REPRESENTATIONS
                if media_type_matches(known, media_range)
            }
            if matching and set(_MediaType(media_range).params) - {"q"}:
                return None
            new |= matching - matched
        if new:
            groups.append(",".join(sorted(new)))
            matched |= new
    return ";".join(groups)


def entry_key(request) -> str | None:
    """Bounded key: a hash of everything the response depends on but content.

    ``None`` when the request is not to be cached: a repeated parameter (the
    views read its last value, but pagination links repeat every value, so
    the body depends on all of them), or see ``representation``.
    """
    accepted = representation(request.headers.get("Accept", ""))
    if accepted is None:
        return None
    if any(len(values) > 1 for _, values in request.GET.lists()):
        return None
    # Pagination links are built the same way: decoded, sorted, encoded once.
    query = urlencode(sorted(request.GET.items()))
    parts = "\n".join(
        [request.get_host(), request.scheme, request.path, query, accepted]
    )
    return ENTRY_PREFIX + hashlib.sha256(parts.encode()).hexdigest()


def is_cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.path.startswith(CACHED_PATH_PREFIXES)
        and not request.path.startswith(UNCACHED_PATH_PREFIXES)
        and "HTTP_X_API_KEY" not in request.META
        and "key" not in request.GET
        and "HTTP_AUTHORIZATION" not in request.META
    )


def is_conditional(request) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or (
        "HTTP_IF_MODIFIED_SINCE" in request.META
    )


def replay(request, meta: dict, key: str, now, body: bytes | None = None):
    """A 304 from the stored validators alone, or the stored body."""
    response = HttpResponse(status=200)
    for name, value in meta["headers"].items():
        response.headers[name] = value
    if meta["last_modified"] is not None:
        response.headers["Last-Modified"] = last_modified_header(
            meta["last_modified"], now.timestamp()
        )
    if is_conditional(request):
        conditional = get_conditional_response(
            request,
            etag=response.headers.get("ETag"),
            last_modified=meta["last_modified"],
            response=response,
        )
        if isinstance(conditional, HttpResponseNotModified):
            return conditional
    if body is None:
        body = cache.get(key + ":body")
    if body is None:
        return None
    response.content = body
    # XFrameOptionsMiddleware, above this one, reads the view's choice here.
    response.xframe_options_exempt = meta.get("xframe_options_exempt", False)
    # As CommonMiddleware sets it on a miss: without it, the server would
    # send the body chunked.
    response.headers["Content-Length"] = str(len(body))
    response.headers["X-Cache"] = "hit"
    return response


def throttled(request) -> HttpResponse | None:
    """The anonymous rate limit, outside DRF's views (stored documents).
    A request the response cache counted is not counted again."""
    return too_many_requests(request, rate_limit_retry_after(request))


def too_many_requests(request, retry_after: int | None) -> HttpResponse | None:
    if retry_after is None:
        return None
    return error_response(
        request, 429, "Request was throttled.", retry_after=retry_after
    )


class ResponseCacheMiddleware:
    """Serve keyless public GETs from the cache; store what the views answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.RESPONSE_CACHE_ENABLED or not is_cacheable_request(request):
            return self.get_response(request)
        key = entry_key(request)
        if key is None:
            return self.get_response(request)
        dependency = generations.dependency(request)
        keys = [key, dependency.key if dependency else VERSION_CACHE_KEY]
        if not is_conditional(request):
            keys.append(key + ":body")
        # The rate limit is counted in the same round trip, hit or miss.
        retry_after, found = count_and_read(request, DEFAULT_CACHE_ALIAS, keys)
        if dependency is not None:
            return self.by_generation(request, key, dependency, found, retry_after)
        return self.by_content_version(request, key, found, retry_after)

    def by_content_version(self, request, key: str, found: dict, retry_after):
        """Entries of responses that may show anything: valid while the
        content version they were made under is current."""
        now = timezone.now()
        database_error = None
        try:
            version = current_content_version(found.get(VERSION_CACHE_KEY), now)
        except DATABASE_OUTAGES as error:
            database_error = error
            version = last_known_version(now)
        meta = found.get(key)
        if (
            version is not None
            and meta is not None
            and meta.get("version") == version.changed_at
        ):
            cached = self.hit(request, meta, key, now, found, retry_after)
            if cached is not None:
                return cached
        if database_error is not None:
            # The view would only try to connect again: one attempt per request.
            return database_unavailable(request, database_error)
        response = self.get_response(request)
        # The version read before the view ran: an edit committed meanwhile
        # makes the entry a miss, never a stale hit. A write that skips
        # signals changes no version: the entry's lifetime bounds it.
        self.store(
            request,
            response,
            key,
            {"version": version.changed_at},
            generations.ENTRY_LIFETIME,
        )
        return response

    def by_generation(self, request, key: str, dependency, found: dict, retry_after):
        """Entries of a document's address or a kind's list: valid while the
        generation token they were made under is current
        (``publishing.generations``), and never past their ``valid_until``."""
        now = timezone.now()
        current = found.get(dependency.key)
        meta = found.get(key)
        if (
            current is not None
            and meta is not None
            and meta.get("generation") == current
            and now < meta["valid_until"]
        ):
            cached = self.hit(request, meta, key, now, found, retry_after)
            if cached is not None:
                return cached
        # Read before the view runs: an edit committed meanwhile replaces it,
        # and the entry stored under it misses.
        current = generations.token(dependency.key, current)
        valid_until = now + datetime.timedelta(seconds=generations.ENTRY_LIFETIME)
        if dependency.is_list:
            # Items join and leave lists at any publish or unpublish time.
            try:
                version = content_version(now)
            except DATABASE_OUTAGES as error:
                return database_unavailable(request, error)
            valid_until = min(filter(None, [valid_until, version.valid_until]))
        response = self.get_response(request)
        if current is None:
            return response  # The cache is unusable: nothing is stored.
        if not dependency.is_list:
            # The document's own: its next scheduled change, or recheck.
            document_valid_until = getattr(response, "valid_until", None)
            if document_valid_until is None:
                return response
            valid_until = min(valid_until, document_valid_until)
        timeout = math.ceil((valid_until - now).total_seconds())
        if timeout > 0:
            meta = {"generation": current, "valid_until": valid_until}
            self.store(request, response, key, meta, timeout)
        return response

    def hit(self, request, meta: dict, key: str, now, found: dict, retry_after):
        refused = too_many_requests(request, retry_after)
        if refused is not None:
            return refused
        return replay(request, meta, key, now, found.get(key + ":body"))

    def store(self, request, response, key: str, validity: dict, timeout: int) -> None:
        if (
            request.method != "GET"
            or response.status_code != 200
            or response.streaming
            or "ETag" not in response
            or len(response.content) > settings.RESPONSE_CACHE_MAX_BYTES
        ):
            return
        headers = {
            name: response.headers[name]
            for name in REPLAYED_HEADERS
            if name in response.headers
        }
        meta = {
            **validity,
            "headers": headers,
            "last_modified": getattr(response, "last_modified_validator", None)
            if "Last-Modified" in response.headers
            else None,
            "xframe_options_exempt": getattr(response, "xframe_options_exempt", False),
        }
        # Body first: a reader never finds validators without their body.
        cache.set_many({key + ":body": response.content, key: meta}, timeout)
        response.headers["X-Cache"] = "miss"
