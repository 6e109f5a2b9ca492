"""The short way to a stored document or a plain list page: answered before
the session, auth, CSRF, messages and history middleware and before DRF.

A keyless GET or HEAD of a document's address (a topic, comparison, FAQ or
resource, or a topic's or comparison's JSON-LD), with no query string and an
``Accept`` that plainly names one representation, is answered here from a
fresh stored document: one SQL query, the same bytes and headers the view
sends (``tests/test_documents.py`` compares them). Everything else (keys,
query parameters, other ``Accept`` values, a stale or missing document, a
404) goes on to the view, which renders what is missing.

A keyless GET or HEAD of a kind's list with no query parameter but a valid
``limit`` and ``offset`` (the view's own pagination reads them) is assembled
here from stored entries as the view's ``list`` does: the page's ids and
their entries (stale or missing ones rendered first), the count kept while
public content stays the same (``documents.public_count``). Filters,
ordering, bad or repeated values go on to the view, which answers 400s.

It sits below the response cache, so a cache hit never gets here and a miss
served here is stored like any other.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.caching import public_freshness
from api.problems import database_unavailable
from api.response_cache import throttled
from content.models import content_version
from rehabinfo.outages import DATABASE_OUTAGES

from . import addresses, documents, purge
from .generations import LIST_PARAMETERS

JSON, JSONLD = documents.JSON, documents.JSONLD
# What a detail view's renderers pick for each plain Accept value, and what
# the JSON-LD actions pick (JSON-LD first, or as JSON when asked for JSON).
DETAIL_ACCEPT = {"": JSON, "*/*": JSON, JSON: JSON}
JSONLD_ACCEPT = {"": JSONLD, "*/*": JSONLD, JSONLD: JSONLD, JSON: JSON}


def routes() -> dict:
    """URL name (namespace v1) -> (kind, lookup, {Accept: (representation, type)}):
    every stored representation but list entries has the address
    ``{kind}-{representation}`` (a detail is ``{kind}-detail``)."""
    table = {}
    for kind in documents.KINDS.values():
        for name, (_, media_type) in kind.representations.items():
            if name == documents.ENTRY:
                continue
            by_accept = JSONLD_ACCEPT if media_type == JSONLD else DETAIL_ACCEPT
            table[f"{kind.name}-{name}"] = (
                kind.name,
                kind.lookup_field,
                {accept: (name, chosen) for accept, chosen in by_accept.items()},
            )
        if kind.jsonld_detail:
            detail = table[f"{kind.name}-{documents.DETAIL}"][2]
            detail[JSONLD] = (kind.jsonld_detail, JSONLD)
    return table


ROUTES = routes()
API_PREFIX = "/api/v1/"
# Sent by the views' DRF responses (allowed methods; Vary as public_freshness).
ALLOW = "GET, HEAD, OPTIONS"
VARY = ["Accept", "X-Api-Key"]


def keyless_read(request):
    """The v1 route of this keyless GET or HEAD, if it is one."""
    if (
        request.method not in ("GET", "HEAD")
        or not request.path.startswith(API_PREFIX)
        or "HTTP_X_API_KEY" in request.META
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return None
    match = addresses.resolved(request.path_info)
    if match is None:
        return None
    return match if match.namespace == "v1" else None


def document_address(request, match):
    """(kind, lookup, representation, content type) this request asks for, if
    it may be answered here."""
    if match.url_name not in ROUTES or request.META.get("QUERY_STRING"):
        return None
    kind, lookup, by_accept = ROUTES[match.url_name]
    chosen = by_accept.get(request.headers.get("Accept", "").strip())
    if chosen is None:
        return None
    representation, content_type = chosen
    return kind, match.kwargs[lookup], representation, content_type


class StoredDocumentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = keyless_read(request)
        if match is None:
            return self.get_response(request)
        if match.url_name in LIST_ROUTES:
            return self.list_page(request, match.func.cls)
        address = document_address(request, match)
        if address is None:
            return self.get_response(request)
        kind, lookup, representation, content_type = address
        now = timezone.now()
        try:
            document = documents.fresh(kind, lookup, representation, now)
        except DATABASE_OUTAGES as error:
            return database_unavailable(request, error)
        if document is None:
            return self.get_response(request)  # The view renders it, or 404s.
        refused = throttled(request)
        if refused is not None:
            return refused
        body = bytes(document.body)
        origin = f"{request.scheme}://{request.get_host()}"
        response = HttpResponse(
            documents.for_origin(body, origin), content_type=content_type
        )
        response.headers["Allow"] = ALLOW
        patch_vary_headers(response, ["Accept"])
        purge.tag(response, document.surrogate_keys)
        response.modified_at = document.modified_at
        response.valid_until = document.valid_until
        response = public_freshness(request, response, VARY)
        if response.status_code == 200:
            response.headers["Content-Length"] = str(len(response.content))
        return response

    def list_page(self, request, view_class):
        """A plain list page from stored entries, as the view's ``list``
        assembles it; anything else (filters, ordering, bad or repeated
        ``limit``/``offset``) goes on to the view."""
        page = plain_page(request, view_class)
        if page is None:
            return self.get_response(request)
        paginator, content_type = page
        refused = throttled(request)  # before rendering anything stale
        if refused is not None:
            return refused
        now = timezone.now()
        ordering = [*view_class.ordering, "pk"]  # as StrictOrderingFilter's default
        try:
            # A list's Last-Modified is when public content last changed
            # (public_freshness), which also names its kept count.
            changed_at = content_version(now).changed_at
            paginator.count, entries = documents.page(
                view_class.document_kind,
                ordering,
                paginator.offset,
                paginator.limit,
                now,
                changed_at,
            )
        except DATABASE_OUTAGES as error:
            return database_unavailable(request, error)
        envelope = documents.render(paginator.get_paginated_response([]).data)
        body = documents.list_body(envelope, entries)
        origin = f"{request.scheme}://{request.get_host()}"
        response = HttpResponse(
            documents.for_origin(body, origin), content_type=content_type
        )
        response.headers["Allow"] = ALLOW
        patch_vary_headers(response, ["Accept"])
        purge.tag(response, purge.LIST_KEY)
        response.modified_at = changed_at  # read once: the view reads it then
        response.valid_until = None
        response = public_freshness(request, response, VARY)
        if response.status_code == 200:
            response.headers["Content-Length"] = str(len(response.content))
        return response


# Each kind's list (its view set is the route's own: ``match.func.cls``).
LIST_ROUTES = {f"{kind}-list" for kind in documents.KINDS}


def plain_page(request, view_class):
    """(paginator at this page, content type) of a plain list request: no
    query parameter but one valid ``limit`` and one valid ``offset``."""
    query = request.GET
    if not set(query) <= LIST_PARAMETERS or any(
        len(values) > 1 for _, values in query.lists()
    ):
        return None
    content_type = DETAIL_ACCEPT.get(request.headers.get("Accept", "").strip())
    if content_type is None:
        return None
    paginator = view_class.pagination_class()
    drf_request = Request(request)
    try:
        paginator.limit = paginator.get_limit(drf_request)
        paginator.offset = paginator.get_offset(drf_request)
    except ValidationError:
        return None  # The view answers the 400.
    paginator.request = request
    return paginator, content_type
