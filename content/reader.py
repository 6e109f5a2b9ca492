"""What a reader sees of an item: the context of its reader-page templates.

The admin's preview renders these templates from the item as saved, so
editors and medical reviewers read sanitised, formatted text (never raw
Markdown) with the parts, FAQs, citations and review line readers get.
"""

from django.conf import settings
from django.utils import timezone

from content.models import FAQ, Comparison, Resource, Topic


def public_url(request, item) -> str:
    """The item's public address: its reader page (a resource's API entry).

    On API_CANONICAL_ORIGIN when it is set, else on the host of the request.
    """
    path = item.get_absolute_url()
    origin = settings.API_CANONICAL_ORIGIN
    return f"{origin}{path}" if origin else request.build_absolute_uri(path)


def review_line(item) -> dict:
    return {
        "reviewed_by": item.reviewed_by,
        "last_reviewed_on": item.last_reviewed_on,
    }


def topic_context(topic: Topic, now) -> dict:
    return {
        "sections": topic.sections.all(),
        "faqs": FAQ.objects.published(now).filter(topic=topic),
        "comparisons": Comparison.objects.published(now).filter(topic=topic),
        "sources": topic.sources.all(),
    }


def comparison_context(comparison: Comparison, now) -> dict:
    options = list(comparison.options.prefetch_related("points"))
    rows = []
    for aspect in comparison.aspects.prefetch_related("cells"):
        cells = {cell.option_id: cell.text for cell in aspect.cells.all()}
        rows.append((aspect.name, [cells.get(option.pk, "") for option in options]))
    return {
        "options": options,
        "rows": rows,
        "criteria": comparison.criteria.filter(is_published=True).prefetch_related(
            "effects__option"
        ),
        "faqs": FAQ.objects.published(now).filter(comparison=comparison),
        "sources": comparison.sources.all(),
    }


def reader_context(item) -> dict:
    """Template name and context of the item's reader page."""
    now = timezone.now()
    context = {"item": item, "review": review_line(item)}
    if isinstance(item, Topic):
        context |= topic_context(item, now)
    elif isinstance(item, Comparison):
        context |= comparison_context(item, now)
    kind = type(item)._meta.model_name
    if not isinstance(item, (Topic, Comparison, FAQ, Resource)):
        raise TypeError(f"No reader page for {kind}")
    return {"template": f"content/reader/{kind}.html", "context": context}
