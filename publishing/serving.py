"""The short way to a stored document: answered before the session, auth,
CSRF, messages and history middleware and before DRF.

A keyless GET or HEAD of a document's address (a topic, comparison, FAQ or
resource, or a topic's or comparison's JSON-LD), with no query string and an
``Accept`` that plainly names one representation, is answered here from a
fresh stored document: one SQL query, the same bytes and headers the view
sends (``tests/test_documents.py`` compares them). Everything else (keys,
query parameters, other ``Accept`` values, a stale or missing document, a
404) goes on to the view, which renders what is missing.

It sits below the response cache, so a cache hit never gets here and a miss
served here is stored like any other.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from api.caching import public_freshness
from api.problems import database_unavailable
from api.response_cache import throttled
from rehabinfo.outages import DATABASE_OUTAGES

from . import addresses, documents, purge

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


def document_address(request):
    """(kind, lookup, representation, content type) this request asks for, if
    it may be answered here."""
    if (
        request.method not in ("GET", "HEAD")
        or not request.path.startswith(API_PREFIX)
        or request.META.get("QUERY_STRING")
        or "HTTP_X_API_KEY" in request.META
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return None
    match = addresses.resolved(request.path_info)
    if match is None:
        return None
    if match.namespace != "v1" or match.url_name not in ROUTES:
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
        address = document_address(request)
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
