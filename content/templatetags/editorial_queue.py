"""The admin home page's work queue, for each role from its permissions."""

from django import template
from django.urls import reverse
from django.utils import timezone

from content.editorial import can_publish, can_review
from content.models import FAQ, Comparison, PublicationStatus, Resource, Topic

register = template.Library()
PUBLISHABLE_MODELS = (Topic, Comparison, FAQ, Resource)
SHOWN_PER_QUEUE = 10


def queue(title: str, help_text: str, entries: list[dict]) -> dict:
    return {"title": title, "help": help_text, "entries": entries}


def entries(user, may, items_of, query: str, when=None) -> list[dict]:
    """One entry per kind of item the user may act on, with its first items."""
    found = []
    for model in PUBLISHABLE_MODELS:
        if not may(user, model):
            continue
        items = items_of(model)
        count = items.count()
        if count:
            opts = model._meta
            found.append(
                {
                    "kind": opts.verbose_name
                    if count == 1
                    else opts.verbose_name_plural,
                    "count": count,
                    "url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_changelist"
                    )
                    + query,
                    "items": [
                        {
                            "item": item,
                            "is_revision": item.is_revision,
                            "url": reverse(
                                f"admin:{opts.app_label}_{opts.model_name}_change",
                                args=[item.pk],
                            ),
                            "when": when(item) if when else None,
                        }
                        for item in items[:SHOWN_PER_QUEUE]
                    ],
                }
            )
    return found


@register.inclusion_tag("admin/content/editorial_queue.html", takes_context=True)
def editorial_queue(context):
    """What waits for the signed-in user: reviews, overdue reviews, schedules."""
    user = context["request"].user
    now = timezone.now()
    queues = [
        queue(
            "Waiting for your medical review",
            "Submitted by editors; approve exactly what you read, or ask for changes.",
            entries(
                user,
                can_review,
                lambda model: model.objects.waiting_for_review(),
                "?state=in_review",
            ),
        ),
        queue(
            "Medical review overdue",
            "Content past its next review date.",
            entries(
                user,
                can_review,
                lambda model: model.objects.items().review_overdue(),
                "?review=overdue",
            ),
        ),
        queue(
            "Approved, waiting to be published",
            "Medically reviewed exactly as it reads now.",
            entries(
                user,
                can_publish,
                lambda model: model.objects.waiting_to_publish(),
                "?state=approved",
            ),
        ),
        queue(
            "Scheduled",
            "Goes live by itself at the time shown.",
            entries(
                user,
                can_publish,
                lambda model: model.objects.filter(
                    status=PublicationStatus.PUBLISHED, publish_at__gt=now
                ).order_by("publish_at"),
                "?state=scheduled",
                when=lambda item: item.publish_at,
            ),
        ),
        queue(
            "Your open revisions",
            "Changes to live content that you hold; the live version stays until "
            "each is reviewed and published.",
            entries(
                user,
                lambda user, model: True,
                lambda model: model.objects.filter(revision_opened_by=user),
                "?state=live_with_changes",
            ),
        ),
    ]
    return {"queues": [q for q in queues if q["entries"]]}
