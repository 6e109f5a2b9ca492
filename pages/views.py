"""Reader pages: the public, plain HTML (and Markdown) face of published content.

Every item is looked up through its ``published()`` queryset, so a hidden or
unknown item is a 404 at every address here. Pages count against the API's
anonymous rate limit and carry its validators and freshness headers; the
decision helper's answers are neither cached, stored nor logged.
"""

import functools
import json
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from api import jsonld
from api.caching import public_freshness
from api.throttling import rate_limit_retry_after
from content.assessment import (
    ALLOWED_ANSWERS,
    DISCLAIMER,
    NO,
    UNSURE,
    YES,
    assess,
    questionnaire,
)
from content.models import FAQ, Comparison, Resource, Topic
from content.reader import public_origin, public_url, reader_context

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"
OEMBED_SIZE = {"width": 600, "height": 640}
ANSWER_CHOICES = [(YES, "Yes"), (NO, "No"), (UNSURE, "Not sure")]


def rate_limited(view):
    """The API's anonymous rate limit, counted before any database work."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        retry_after = rate_limit_retry_after(request)
        if retry_after is not None:
            response = render(request, "pages/too_many_requests.html", status=429)
            response.headers["Retry-After"] = str(retry_after)
            response.headers["Cache-Control"] = "no-store"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def public_page(view):
    """Rate limit, then the API's ETag and freshness headers on a successful GET."""

    @rate_limited
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(response, "is_rendered", True) is False:
            response.render()  # the sitemap view's TemplateResponse
        if response.status_code != 200:
            return response
        return public_freshness(request, response, vary=[])

    return require_safe(wrapper)


def jsonld_script(data: dict) -> str:
    """JSON-LD for a ``<script type="application/ld+json">`` data block.

    ``<``, ``>`` and ``&`` are escaped so no text can close the element.
    """
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def reader_page(request, item, page, page_template: str, **extra):
    """Render ``page`` (``reader_context(item)``) in the public layout."""
    return render(
        request,
        page_template,
        {
            **page["context"],
            **extra,
            "reader_template": page["template"],
            "canonical_url": public_url(request, item),
            "help_lines": Resource.objects.national_help_lines(),
        },
    )


def published_or_404(queryset, **lookup):
    item = queryset.filter(**lookup).first()
    if item is None:
        raise Http404("No published page here.")
    return item


def published_topic(slug: str) -> Topic:
    return published_or_404(
        # Sources prefetched: the page and its JSON-LD both cite them.
        Topic.objects.published()
        .select_related("reviewed_by")
        .prefetch_related("sources"),
        slug=slug,
    )


def published_comparison(slug: str) -> Comparison:
    return published_or_404(
        Comparison.objects.published().select_related("topic", "reviewed_by"),
        slug=slug,
    )


def published_faq(faq_id: int) -> FAQ:
    return published_or_404(
        FAQ.objects.published().select_related("topic", "comparison", "reviewed_by"),
        pk=faq_id,
    )


def oembed_link(request, item) -> str:
    query = urlencode({"url": public_url(request, item), "format": "json"})
    return request.build_absolute_uri(reverse("pages:oembed")) + f"?{query}"


@public_page
def home(request):
    topics = Topic.objects.published().only("slug", "title", "summary")
    comparisons = Comparison.objects.published().only("slug", "title", "summary")
    return render(
        request,
        "pages/home.html",
        {
            "topics": topics,
            "comparisons": comparisons,
            "canonical_url": public_url(request, reverse("pages:home")),
            "help_lines": Resource.objects.national_help_lines(),
        },
    )


@public_page
def topic_page(request, slug):
    topic = published_topic(slug)
    page = reader_context(topic)
    url = public_url(request, topic)
    data = jsonld.medical_web_page(
        topic, page["context"]["faqs"], url=url, faq_url=f"{url}#faqs"
    )
    return reader_page(
        request,
        topic,
        page,
        "pages/topic.html",
        jsonld=jsonld_script(data),
        oembed_url=oembed_link(request, topic),
        parent=Topic.objects.published().filter(pk=topic.parent_id).first()
        if topic.parent_id
        else None,
    )


@public_page
def comparison_page(request, slug):
    comparison = published_comparison(slug)
    page = reader_context(comparison)
    url = public_url(request, comparison)
    data = jsonld.faq_page(
        comparison,
        page["context"]["faqs"],
        url=f"{url}#faqs",
        name=f"{comparison.title}: FAQs",
    )
    return reader_page(
        request,
        comparison,
        page,
        "pages/comparison.html",
        jsonld=jsonld_script(data),
        oembed_url=oembed_link(request, comparison),
        decide_url=reverse("pages:comparison-decide", kwargs={"slug": slug}),
    )


@public_page
def faq_page(request, id):
    faq = published_faq(id)
    url = public_url(request, faq)
    data = jsonld.faq_page(faq, [faq], url=url, name=faq.question)
    page = reader_context(faq)
    return reader_page(request, faq, page, "pages/faq.html", jsonld=jsonld_script(data))


def answers_from(post, criteria) -> tuple[dict, list]:
    """Answers (criterion key -> yes/no/unsure) and the criteria answered wrongly.

    A question left unanswered counts as "not sure", as in the API.
    """
    answers, invalid = {}, []
    for criterion in criteria:
        answer = post.get(criterion.key)
        if answer in ALLOWED_ANSWERS:
            answers[criterion.key] = answer
        elif answer is not None:
            invalid.append(criterion)
    return answers, invalid


@rate_limited
@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
def decision_page(request, slug):
    """The decision helper as a form: GET asks the questions, POST answers them.

    The answers are health information: they are read from the request and
    shown back, never stored, logged or cached.
    """
    now = timezone.now()
    comparison = published_or_404(
        Comparison.objects.published(now).prefetch_related("options"), slug=slug
    )
    criteria = questionnaire(comparison, now)
    context = {
        "comparison": comparison,
        "canonical_url": public_url(request, comparison),
        "help_lines": Resource.objects.national_help_lines(),
        "disclaimer": DISCLAIMER,
        "answer_choices": ANSWER_CHOICES,
        "answers": {},
    }
    status = 200
    if request.method == "POST":
        answers, invalid = answers_from(request.POST, criteria)
        context["answers"] = answers
        if invalid:
            status = 400
            context["invalid"] = invalid
        else:
            context["assessment"] = assess(comparison, criteria, answers)
    context["questions"] = [
        (criterion, context["answers"].get(criterion.key)) for criterion in criteria
    ]
    response = render(request, "pages/decision.html", context, status=status)
    # The page holds a CSRF token, and after POST the person's answers.
    response.headers["Cache-Control"] = "no-store"
    return response


def markdown_response(request, template: str, context: dict) -> HttpResponse:
    return render(request, template, context, content_type=MARKDOWN_CONTENT_TYPE)


@public_page
def topic_markdown(request, slug):
    topic = published_topic(slug)
    page = reader_context(topic)
    return markdown_response(
        request,
        "pages/topic.md",
        {**page["context"], "canonical_url": public_url(request, topic)},
    )


@public_page
def comparison_markdown(request, slug):
    comparison = published_comparison(slug)
    page = reader_context(comparison)
    return markdown_response(
        request,
        "pages/comparison.md",
        {**page["context"], "canonical_url": public_url(request, comparison)},
    )


@public_page
def faq_markdown(request, id):
    faq = published_faq(id)
    page = reader_context(faq)
    return markdown_response(
        request,
        "pages/faq.md",
        {**page["context"], "canonical_url": public_url(request, faq)},
    )


def markdown_url(request, item) -> str:
    return f"{public_url(request, item).rstrip('/')}.md"


@public_page
def llms_txt(request):
    """The llmstxt.org index: every published page's Markdown twin."""
    topics = Topic.objects.published().only("slug", "title", "summary")
    comparisons = Comparison.objects.published().only("slug", "title", "summary")
    faqs = FAQ.objects.published().only("pk", "question")
    return render(
        request,
        "pages/llms.txt",
        {
            "topics": [(t, markdown_url(request, t)) for t in topics],
            "comparisons": [(c, markdown_url(request, c)) for c in comparisons],
            "faqs": [(f, markdown_url(request, f)) for f in faqs],
        },
        content_type="text/plain; charset=utf-8",
    )


@public_page
def robots_txt(request):
    return render(
        request,
        "pages/robots.txt",
        {
            "admin_path": f"/{settings.ADMIN_PATH}",
            "sitemap_url": request.build_absolute_uri(reverse("pages:sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )


def oembed_error(status: int, detail: str) -> HttpResponse:
    response = HttpResponse(detail, status=status, content_type="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def oembed_item(request, url: str):
    """The published topic or comparison whose reader page is ``url``, or None."""
    parts = urlsplit(url)
    origin = public_origin(request)
    if parts.scheme not in ("http", "https") or (
        f"{parts.scheme}://{parts.netloc}" != origin
    ):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name == "pages:topic":
        return Topic.objects.published().filter(slug=match.kwargs["slug"]).first()
    if match.view_name == "pages:comparison":
        comparisons = Comparison.objects.published()
        return comparisons.filter(slug=match.kwargs["slug"]).first()
    return None


def size_limit(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


@public_page
def oembed(request):
    """oEmbed (oembed.com) for reader pages: the page's FAQ widget, as ``rich``."""
    if request.GET.get("format", "json") != "json":
        return oembed_error(501, "Only format=json is supported.")
    item = oembed_item(request, request.GET.get("url", ""))
    if item is None:
        return oembed_error(404, "No published reader page has this URL.")
    kind = "topic" if isinstance(item, Topic) else "comparison"
    widget = request.build_absolute_uri(
        reverse(f"embed:{kind}-faqs", kwargs={"slug": item.slug})
    )
    width, height = OEMBED_SIZE["width"], OEMBED_SIZE["height"]
    if (max_width := size_limit(request, "maxwidth")) is not None:
        width = min(width, max_width)
    if (max_height := size_limit(request, "maxheight")) is not None:
        height = min(height, max_height)
    html = (
        render(
            request,
            "pages/oembed_iframe.html",
            {
                "src": widget,
                "title": f"{item.title}: questions and answers",
                "width": width,
                "height": height,
            },
        )
        .content.decode()
        .strip()
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": item.title,
            "provider_name": "Rehabinfo",
            "provider_url": request.build_absolute_uri(reverse("pages:home")),
            "cache_age": settings.API_CACHE_MAX_AGE,
            "html": html,
            "width": width,
            "height": height,
        }
    )
