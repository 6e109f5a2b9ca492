"""Drop-in FAQ widgets for partner sites: an iframe page and a script.

``/embed/v1/topics/{slug}/faqs/`` (and the same for comparisons) is a
self-contained, accessible HTML page meant for an ``<iframe>``: inline CSS,
no scripts, no external assets. It may be framed by any site when used
without a key, and only by the partner's own origins when a ``key`` is given;
every other page of the site keeps refusing to be framed.
``/embed/v1/faqs.js`` renders the same list into a Shadow DOM on the
partner's page.

The pages have the API's rate limits (a keyed widget counts against its
partner's tier, a keyless one against the anonymous rate of its reader's
address) and, without a key, are served from the response cache
(``api.response_cache``) like the API.
"""

import base64
import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from api.caching import public_freshness, strong_etag
from api.partners import (
    PartnerKeyError,
    TooManyKeyChecks,
    record_usage,
    resolve_partner,
)
from api.throttling import rate_limit_retry_after, retry_after_seconds
from content.models import FAQ, Comparison, Resource, Topic
from content.reader import public_url

EMBED_PATH_PREFIX = "/embed/"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "embed"
THEMES = ("light", "dark", "auto")
EMBED_PARAMETERS = {"theme", "compact", "key"}


@cache
def widget_css() -> str:
    return (STATIC_DIR / "faqs.css").read_text()


@cache
def widget_script() -> bytes:
    """The script with the shared stylesheet inlined: one file, no build step."""
    source = (STATIC_DIR / "faqs.js").read_text()
    css = widget_css().replace("\\", "\\\\").replace('"', '\\"').replace("\n", "")
    return source.replace("/*CSS*/", css).encode()


def style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(frame_ancestors: str, style: str = "'none'") -> str:
    return (
        f"default-src 'none'; style-src {style}; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {frame_ancestors}"
    )


def error_page(request, status: int, title: str, detail: str, ancestors: str = "*"):
    response = render(
        request, "embed/error.html", {"title": title, "detail": detail}, status=status
    )
    response.headers["Content-Security-Policy"] = content_security_policy(ancestors)
    response.headers["Cache-Control"] = "no-store"
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


def faq_widget(request, page, faqs, attribution_url: str):
    """Render the iframe page of a topic's or comparison's FAQs."""
    try:
        partner = resolve_partner(request, allow_query_key=True)
    except PartnerKeyError as error:
        refused = error_page(
            request, error.status, "Widget unavailable", error.detail, "'none'"
        )
        if isinstance(error, TooManyKeyChecks):
            refused.headers["Retry-After"] = str(retry_after_seconds(error.wait))
        return refused
    ancestors = " ".join(partner.allowed_origin_list) if partner else "*"
    if partner:
        record_usage(partner, "embed")
    retry_after = rate_limit_retry_after(request, partner)
    if retry_after is not None:
        page = error_page(
            request,
            429,
            "Too many requests",
            "This widget was asked for too often; try again shortly.",
            ancestors or "'none'",
        )
        page.headers["Retry-After"] = str(retry_after)
        return page
    options, problem = parse_options(request)
    if problem:
        return error_page(
            request, 400, "Bad widget address", problem, ancestors or "'none'"
        )
    if page is None:
        return error_page(
            request, 404, "Not found", "No published page here.", ancestors
        )
    css = widget_css()
    help_lines = Resource.objects.national_help_lines()
    response = render(
        request,
        "embed/faqs.html",
        {
            **options,
            "title": page.title,
            "page": page,
            "faqs": faqs,
            "css": css,
            "help_lines": help_lines,
            "attribution_url": settings.PUBLIC_SITE_URL or attribution_url,
        },
    )
    response.headers["Content-Security-Policy"] = content_security_policy(
        ancestors or "'none'", style_hash("body{margin:0}" + css)
    )
    # Keyed pages differ by their URL (?key=), so nothing else varies.
    return public_freshness(request, response, vary=[])


@require_safe
@xframe_options_exempt
def topic_faqs(request, slug):
    now = timezone.now()
    topic = Topic.objects.published(now).select_related("reviewed_by").filter(slug=slug)
    topic = topic.first()
    faqs = FAQ.objects.published(now).filter(topic=topic) if topic else []
    url = public_url(request, topic) if topic else ""
    return faq_widget(request, topic, faqs, url)


@require_safe
@xframe_options_exempt
def comparison_faqs(request, slug):
    now = timezone.now()
    comparisons = Comparison.objects.published(now).select_related("reviewed_by")
    comparison = comparisons.filter(slug=slug).first()
    faqs = (
        FAQ.objects.published(now).filter(comparison=comparison) if comparison else []
    )
    url = public_url(request, comparison) if comparison else ""
    return faq_widget(request, comparison, faqs, url)


@require_safe
def faqs_script(request):
    body = widget_script()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response.headers["ETag"] = strong_etag(body)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


urlpatterns = [
    path("faqs.js", faqs_script, name="faqs-script"),
    path("topics/<slug:slug>/faqs/", topic_faqs, name="topic-faqs"),
    path("comparisons/<slug:slug>/faqs/", comparison_faqs, name="comparison-faqs"),
]
