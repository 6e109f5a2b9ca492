"""What a reader sees of an item: the context of its reader-page templates.

The admin's preview renders these templates from the item as saved, so
editors and medical reviewers read sanitised, formatted text (never raw
Markdown) with the parts, FAQs, citations and review line readers get.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from content.models import FAQ, Comparison, Resource, Topic
from content.models.publication import published_q


def public_origin(request) -> str:
    """API_CANONICAL_ORIGIN when it is set, else the scheme and host asked for."""
    return settings.API_CANONICAL_ORIGIN or f"{request.scheme}://{request.get_host()}"


def public_url(request, item_or_path) -> str:
    """The public address of an item (its reader page; a resource's API entry)
    or of a path, on the public origin."""
    path = (
        item_or_path
        if isinstance(item_or_path, str)
        else item_or_path.get_absolute_url()
    )
    return public_origin(request) + path


def review_line(item) -> dict:
    return {
        "reviewed_by": item.reviewed_by,
        "last_reviewed_on": item.last_reviewed_on,
    }


def topic_context(topic: Topic, now, preview: bool) -> dict:
    if preview:
        # What goes public with the page once it is live: items published
        # themselves, whose other page (an FAQ's comparison) is public too.
        faqs = FAQ.objects.filter(published_q(now), topic=topic).filter(
            Q(comparison__isnull=True) | published_q(now, prefix="comparison__")
        )
        comparisons = Comparison.objects.filter(published_q(now), topic=topic)
    else:
        faqs = FAQ.objects.published(now).filter(topic=topic)
        comparisons = Comparison.objects.published(now).filter(topic=topic)
    return {
        "sections": topic.sections.all(),
        "faqs": faqs,
        "comparisons": comparisons,
        "sources": topic.sources.all(),
    }


def comparison_context(comparison: Comparison, now, preview: bool) -> dict:
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
        "faqs": (
            # Previewed, the comparison's own topic counts as going live with it.
            FAQ.objects.filter(published_q(now), comparison=comparison).filter(
                Q(topic=comparison.topic_id) | published_q(now, prefix="topic__")
            )
            if preview
            else FAQ.objects.published(now).filter(comparison=comparison)
        ),
        "sources": comparison.sources.all(),
    }


def reader_context(item, *, preview: bool = False) -> dict:
    """Template name and context of the item's reader page.

    Public pages show only what ``published()`` allows. A ``preview`` (the
    admin's, of an item that may not be live yet) also shows what will go
    public with the item once it is.
    """
    now = timezone.now()
    context = {"item": item, "review": review_line(item)}
    if isinstance(item, Topic):
        context |= topic_context(item, now, preview)
    elif isinstance(item, Comparison):
        context |= comparison_context(item, now, preview)
    kind = type(item)._meta.model_name
    if not isinstance(item, (Topic, Comparison, FAQ, Resource)):
        raise TypeError(f"No reader page for {kind}")
    return {"template": f"content/reader/{kind}.html", "context": context}
