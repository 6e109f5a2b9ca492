"""Drop-in FAQ widgets for partner sites: an iframe page and a script.

``/embed/v1/topics/{slug}/faqs/`` (and the same for comparisons) is a
self-contained, accessible HTML page meant for an ``<iframe>``: inline CSS
and one inline script (allowed by hash) that tells the framing page its
height, no external assets. It may be framed by any site when used without a
key, and only by the partner's own origins when a ``key`` is given; every
other page of the site keeps refusing to be framed.

``/embed/v1/faqs.js`` renders the same list into a Shadow DOM on the
partner's page from one request to the API's widget endpoint
(``/api/v1/topics/{slug}/widget/``), whose ``html`` is rendered from the same
template as the iframe (``embed/_faqs.html``): both widgets say the same
words. The script also sizes the iframe widgets on its page.

A refused widget (bad or revoked key, a site the key does not allow, too
many requests) says why, for the partner, and links readers to the reader
page; its page may be framed anywhere, so the reason shows where the widget
was meant to be.

The pages have the API's rate limits (a keyed widget counts against its
partner's tier, a keyless one against the anonymous rate of its reader's
address) and, without a key, are served from the response cache
(``api.response_cache``) like the API.
"""

import base64
import hashlib
import json
from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from api.caching import public_freshness, strong_etag
from api.throttling import rate_limit_retry_after, retry_after_seconds
from partners.access import (
    PartnerKeyError,
    TooManyKeyChecks,
    record_usage,
    resolve_partner,
)
from publishing import documents, purge
from publishing.documents import WIDGET

EMBED_PATH_PREFIX = "/embed/"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "embed"
THEMES = ("light", "dark", "auto")
EMBED_PARAMETERS = {"theme", "compact", "key"}
# The iframe page's own rule on top of the widget's stylesheet.
PAGE_CSS = "body{margin:0}"


@cache
def widget_css() -> str:
    return (STATIC_DIR / "faqs.css").read_text()


@cache
def page_css() -> str:
    return PAGE_CSS + widget_css()


@cache
def height_script() -> str:
    """The iframe page's only script: it posts the page's height to its parent."""
    return (STATIC_DIR / "height.js").read_text()


@cache
def widget_script() -> bytes:
    """The script with the shared stylesheet inlined: one file, no build step."""
    source = (STATIC_DIR / "faqs.js").read_text()
    css = widget_css().replace("\\", "\\\\").replace('"', '\\"').replace("\n", "")
    return source.replace("/*CSS*/", css).encode()


def source_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(frame_ancestors: str) -> str:
    """The iframe pages' policy: their inline style and script, allowed by hash."""
    return (
        f"default-src 'none'; style-src {source_hash(page_css())}; "
        f"script-src {source_hash(height_script())}; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {frame_ancestors}"
    )


def theme_of(request) -> str:
    theme = request.GET.get("theme", "light")
    return theme if theme in THEMES else "light"


def reader_url(request, kind: str | None = None, slug: str = "") -> str:
    """Where a refused widget sends readers: the reader page on this server.

    The script widget builds the same address from its own ``src``.
    """
    if kind is None:
        return request.build_absolute_uri(reverse("pages:home"))
    return request.build_absolute_uri(reverse(f"pages:{kind}", kwargs={"slug": slug}))


def error_page(
    request,
    status: int,
    title: str,
    detail: str,
    *,
    link: str | None = None,
):
    """A widget that cannot be shown: why (for the partner), and a link for readers.

    Refusals may be framed anywhere, so the reason shows in the partner's page
    instead of the browser's "refused to connect".
    """
    response = render(
        request,
        "embed/error.html",
        {
            "title": title,
            "detail": detail,
            "reader_url": link or reader_url(request),
            "theme": theme_of(request),
            "css": page_css(),
            "height_script": height_script(),
        },
        status=status,
    )
    response.headers["Content-Security-Policy"] = content_security_policy("*")
    response.headers["Cache-Control"] = "no-store"
    response.xframe_options_exempt = True
    return response


def parse_options(request) -> tuple[dict, str | None]:
    """Theme and compact mode from the query, or an error message."""
    unknown = sorted(set(request.GET) - EMBED_PARAMETERS)
    if unknown:
        return {}, f"Unknown parameter: {', '.join(unknown)}."
    theme = request.GET.get("theme", "light")
    if theme not in THEMES:
        return {}, f"theme must be one of: {', '.join(THEMES)}."
    compact = request.GET.get("compact", "0")
    if compact not in ("0", "1"):
        return {}, "compact must be 0 or 1."
    return {"theme": theme, "compact": compact == "1"}, None


def faq_widget(request, kind: str, slug: str):
    """Render the iframe page of a topic's or comparison's FAQs, around the
    words stored in its ``widget`` document."""
    document = documents.find(kind, slug, WIDGET)
    link = reader_url(request, kind, slug) if document is not None else None
    try:
        partner = resolve_partner(request, allow_query_key=True)
    except PartnerKeyError as error:
        refused = error_page(
            request, error.status, "Widget unavailable", error.detail, link=link
        )
        if isinstance(error, TooManyKeyChecks):
            refused.headers["Retry-After"] = str(retry_after_seconds(error.wait))
        return refused
    ancestors = " ".join(partner.allowed_origin_list) if partner else "*"
    if partner:
        record_usage(partner, "embed")
    retry_after = rate_limit_retry_after(request, partner)
    if retry_after is not None:
        refused = error_page(
            request,
            429,
            "Too many requests",
            "This widget was asked for too often; try again shortly.",
            link=link,
        )
        refused.headers["Retry-After"] = str(retry_after)
        return refused
    options, problem = parse_options(request)
    if problem:
        return error_page(request, 400, "Bad widget address", problem, link=link)
    if document is None:
        return error_page(request, 404, "Not found", "No published page here.")
    origin = f"{request.scheme}://{request.get_host()}"
    widget = json.loads(documents.for_origin(bytes(document.body), origin))
    response = render(
        request,
        "embed/faqs.html",
        {
            **options,
            "title": widget["title"],
            "fragment": widget["html"],
            "css": page_css(),
            "height_script": height_script(),
        },
    )
    response.headers["Content-Security-Policy"] = content_security_policy(
        ancestors or "'none'"
    )
    response.modified_at = document.modified_at
    purge.tag(response, document.surrogate_keys)
    # Keyed pages differ by their URL (?key=), so nothing else varies.
    return public_freshness(request, response, vary=[])


@require_safe
@xframe_options_exempt
def topic_faqs(request, slug):
    return faq_widget(request, "topic", slug)


@require_safe
@xframe_options_exempt
def comparison_faqs(request, slug):
    return faq_widget(request, "comparison", slug)


@require_safe
def faqs_script(request):
    body = widget_script()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response.headers["ETag"] = strong_etag(body)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
